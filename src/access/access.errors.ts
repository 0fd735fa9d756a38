import { UnprocessableError } from '../common/domain-error';
import { excerpt } from '../common/input-guard';

export class InvalidConstraintProblem extends UnprocessableError {
  constructor(constraint: string, reason: string) {
    super('invalid_constraint', `"${excerpt(constraint)}" is not a valid Composer version constraint: ${reason}`, {
      constraint,
    });
  }
}

export class InvalidVersionProblem extends UnprocessableError {
  constructor(packageName: string, version: string, reason: string) {
    super('invalid_version', `"${excerpt(version)}" of ${packageName} is not a valid Composer version: ${reason}`, {
      package: packageName,
      version,
    });
  }
}
