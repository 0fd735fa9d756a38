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

  it('knows its scopes and nothing else', () => {
    expect(isScope('events:read')).toBe(true);
    expect(isScope('events:write')).toBe(false);
    expect(isScope(42)).toBe(false);
  });
});
