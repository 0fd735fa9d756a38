import { applyDecorators, PipeTransform } from '@nestjs/common';
import { ValidateBy, ValidationOptions } from 'class-validator';

/**
 * Composer's own rule for package names (composer/composer's ValidatingArrayLoader): lower-case
 * `vendor/name` with single separators. Anything else can never be required by a client.
 *
 * Composer writes it as `^[a-z0-9]([_.-]?[a-z0-9]+)*\/[a-z0-9](([_.]|-{1,2})?[a-z0-9]+)*$`, whose
 * nested quantifiers backtrack exponentially on a run of letters that fails at the end. The
 * pattern below accepts the same names but is unambiguous (a separator is never a letter), and
 * the check itself is a single scan that never runs a regular expression.
 */
export const PACKAGE_NAME_PATTERN_SOURCE = '^[a-z0-9]+(?:[_.-][a-z0-9]+)*/[a-z0-9]+(?:(?:[_.]|--?)[a-z0-9]+)*$';
export const PACKAGE_NAME_MAX_LENGTH = 200;

export const PACKAGE_NAME_RULE =
  'a package name is lower-case "vendor/name" made of letters, digits and single ".", "_" or "-" separators';

function isNameChar(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39);
}

/**
 * True when `text` is runs of [a-z0-9] joined by one separator each; `allowDoubleDash` also
 * accepts "--" as a separator (Composer allows it in the name part, not in the vendor).
 */
function isSeparatedRuns(text: string, allowDoubleDash: boolean): boolean {
  if (text.length === 0) return false;
  let index = 0;
  for (;;) {
    const runStart = index;
    while (index < text.length && isNameChar(text.charCodeAt(index))) index += 1;
    if (index === runStart) return false;
    if (index === text.length) return true;
    const separator = text[index];
    if (separator !== '.' && separator !== '_' && separator !== '-') return false;
    index += separator === '-' && allowDoubleDash && text[index + 1] === '-' ? 2 : 1;
  }
}

/** Linear in the length, which is checked first: safe to run on any input. */
export function isValidPackageName(name: unknown): name is string {
  if (typeof name !== 'string' || name.length > PACKAGE_NAME_MAX_LENGTH) return false;
  const slash = name.indexOf('/');
  if (slash === -1) return false;
  return isSeparatedRuns(name.slice(0, slash), false) && isSeparatedRuns(name.slice(slash + 1), true);
}

/** Validates a DTO field as a package name (see isValidPackageName); the OpenAPI pattern goes into @ApiProperty. */
export function IsPackageName(options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(
    ValidateBy(
      {
        name: 'isPackageName',
        validator: {
          validate: (value: unknown) => isValidPackageName(value),
          defaultMessage: (args) =>
            `${args?.property ?? 'package'}: ${PACKAGE_NAME_RULE} (at most ${PACKAGE_NAME_MAX_LENGTH} characters)`,
        },
      },
      options,
    ),
  );
}

/**
 * A checked package name. Declared as an intersection so that its runtime type is Object, not
 * String: the global ValidationPipe would otherwise turn a wildcard's segment array into "a,b"
 * before PackageNamePathPipe sees it.
 */
export type PackageName = string & { readonly checkedPackageName?: never };

/**
 * A package name from the URL: an Express 5 `*name` wildcard (its segments) or a plain parameter.
 * A name that cannot exist is answered with the route's own not-found error.
 */
export class PackageNamePathPipe implements PipeTransform<string[] | string, PackageName> {
  constructor(private readonly notFound: (name: string) => Error) {}

  transform(value: string[] | string): PackageName {
    const name = (Array.isArray(value) ? value : [value]).join('/');
    if (!isValidPackageName(name)) throw this.notFound(name);
    return name;
  }
}
