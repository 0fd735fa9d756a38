import { Injectable, PipeTransform } from '@nestjs/common';
import { NotFoundError } from './domain-error';
import { ID_PATTERN } from './ids';
import { excerpt } from './input-guard';

/**
 * Path ids checked where they enter: something that cannot be an id is answered with the same
 * `*_not_found` as an id that does not exist, and never reaches a query.
 */
abstract class IdParamPipe implements PipeTransform<string, string> {
  protected abstract notFound(id: string): NotFoundError;

  transform(value: string): string {
    if (typeof value !== 'string' || !ID_PATTERN.test(value)) throw this.notFound(excerpt(String(value)));
    return value;
  }
}

@Injectable()
export class CustomerIdPipe extends IdParamPipe {
  protected notFound(id: string): NotFoundError {
    return new NotFoundError('customer_not_found', `No customer with id "${id}"`);
  }
}

@Injectable()
export class TokenIdPipe extends IdParamPipe {
  protected notFound(id: string): NotFoundError {
    return new NotFoundError('token_not_found', `No token "${id}"`);
  }
}
