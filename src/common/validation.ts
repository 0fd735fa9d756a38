import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldProblem, ValidationFailedError } from './domain-error';
import { excerpt } from './input-guard';

function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    // Property names are client input too (an unknown key may be a megabyte long): quote only a little.
    const property = excerpt(error.property);
    const field = parent ? `${parent}.${property}` : property;
    const problems = Object.values(error.constraints ?? {}).map((problem) =>
      excerpt(problem.split(error.property).join(property), 300),
    );
    const own: FieldProblem[] = problems.length > 0 ? [{ field, problems }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Unknown fields are refused rather than silently dropped, so a typo never looks like success. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => new ValidationFailedError(flatten(errors)),
  });
}
