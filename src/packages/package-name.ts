/**
 * Composer's own rule for package names (composer/composer's ValidatingArrayLoader): lower-case
 * `vendor/name` with single separators. Anything else can never be required by a client.
 */
export const PACKAGE_NAME_PATTERN = /^[a-z0-9]([_.-]?[a-z0-9]+)*\/[a-z0-9](([_.]|-{1,2})?[a-z0-9]+)*$/;
export const PACKAGE_NAME_MAX_LENGTH = 200;

export function isValidPackageName(name: string): boolean {
  return name.length <= PACKAGE_NAME_MAX_LENGTH && PACKAGE_NAME_PATTERN.test(name);
}

export const PACKAGE_NAME_RULE =
  'a package name is lower-case "vendor/name" made of letters, digits and single ".", "_" or "-" separators';
