import { ConflictError, NotFoundError } from '../common/domain-error';
import { excerpt } from '../common/input-guard';

export class CustomerNotFoundError extends NotFoundError {
  constructor(description: string) {
    super('customer_not_found', `No customer ${description}`);
  }
}

export class DuplicateExternalIdError extends ConflictError {
  constructor(externalId: string) {
    super('external_id_taken', `Another customer already has external_id "${excerpt(externalId)}"`, {
      external_id: externalId,
    });
  }
}
