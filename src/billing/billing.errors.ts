import { BadRequestError, DomainError } from '../common/domain-error';

/** A receiver whose secret is unset answers exactly like a route that does not exist. */
export class WebhookReceiverDisabledError extends DomainError {
  constructor(path: string) {
    super(404, 'not_found', `Cannot POST ${path}`);
  }
}

export class InvalidWebhookSignatureError extends BadRequestError {
  constructor(header: string, problem: string) {
    super('invalid_signature', `The ${header} header does not verify against this body: ${problem}`);
  }
}

export class InvalidWebhookPayloadError extends BadRequestError {
  constructor(problem: string) {
    super('invalid_payload', problem);
  }
}
