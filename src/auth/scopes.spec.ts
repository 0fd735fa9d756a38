import { isScope, missingScope, Scope } from './scopes';

describe('API key scopes', () => {
  const keyWith = (...scopes: Scope[]) => new Set<Scope>(scopes);

  it.each<[string, ReadonlySet<Scope> | 'all', Scope | undefined, ReturnType<typeof missingScope>]>([
    ['root may call a scoped route', 'all', 'customers:write', undefined],
    ['root may call a root-only route', 'all', undefined, undefined],
    ['a key with the scope may call', keyWith('customers:read', 'customers:write'), 'customers:write', undefined],
    [
      'a key without it is told which scope is missing',
      keyWith('customers:read'),
      'customers:write',
      'customers:write',
    ],
    ['read does not imply write', keyWith('packages:read'), 'packages:write', 'packages:write'],
    ['no key may call a route that declares no scope', keyWith('customers:read', 'api-keys:manage'), undefined, 'root'],
  ])('%s', (_name, granted, required, expected) => {
    expect(missingScope(granted, required)).toBe(expected);
  });

  // The scopes an operator may grant a key, as the API documents them.
  it.each([
    'customers:read',
    'customers:write',
    'access:write',
    'tokens:write',
    'packages:read',
    'packages:write',
    'events:read',
    'webhooks:manage',
    'api-keys:manage',
  ])('grants %s', (scope) => {
    expect(isScope(scope)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a scope that does not exist', 'events:write'],
    ['a differently spelled one', 'Customers:Read'],
    ['a wildcard', '*'],
    ['nothing', ''],
    ['a number', 42],
    ['a list of scopes', ['events:read']],
  ])('grants no %s', (_name, value) => {
    expect(isScope(value)).toBe(false);
  });
});
