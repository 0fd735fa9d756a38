import { BadRequestError, ConflictError, DomainError, NotFoundError, UnprocessableError } from '../common/domain-error';

export class GitSourceNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('repository_not_found', `No repository "${id}"`);
  }
}

export class GitSyncNotFoundError extends NotFoundError {
  constructor(repositoryId: string, syncId: string) {
    super('sync_not_found', `Repository "${repositoryId}" has no sync "${syncId}"`);
  }
}

export class InvalidGitUrlError extends UnprocessableError {
  constructor(url: string, problem: string) {
    super('invalid_repository_url', `The repository URL is refused: ${problem}`, { url });
  }
}

export class InvalidGitCredentialsError extends BadRequestError {
  constructor(problem: string) {
    super('invalid_credentials', problem);
  }
}

export class RepositoryUnreachableError extends UnprocessableError {
  constructor(problem: string) {
    super('repository_unreachable', `The repository could not be fetched: ${problem}`);
  }
}

export class RepositoryTooLargeError extends UnprocessableError {
  constructor(sizeBytes: number, maxBytes: number) {
    super(
      'repository_too_large',
      `The repository is ${Math.ceil(sizeBytes / 1048576)} MB, over REPOSITORY_MAX_MB (${Math.round(maxBytes / 1048576)} MB)`,
      { size_bytes: sizeBytes, max_bytes: maxBytes },
    );
  }
}

export class RepositoryComposerJsonError extends UnprocessableError {
  constructor(
    code: 'composer_json_missing' | 'composer_json_invalid' | 'package_name_missing' | 'repository_empty',
    message: string,
  ) {
    super(code, message);
  }
}

export class PackageNameTakenError extends ConflictError {
  constructor(packageName: string, by: string) {
    super('package_name_taken', `${packageName} is already published ${by}; a package has one source`, {
      package: packageName,
    });
  }
}

export class InvalidGitWebhookSignatureError extends DomainError {
  constructor(problem: string) {
    super(401, 'invalid_signature', problem);
  }
}
