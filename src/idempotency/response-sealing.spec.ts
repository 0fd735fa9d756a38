import { openBody, sealBody, sealingKey } from './response-sealing';

describe('response sealing', () => {
  const key = sealingKey('admin-token-one-0123456789');

  it('round-trips a body and hides it', () => {
    const body = '{"token":"tok_secret"}';
    const sealed = sealBody(body, key);
    expect(sealed).not.toContain('tok_secret');
    expect(openBody(sealed, key)).toBe(body);
  });

  it('seals the same body differently each time', () => {
    expect(sealBody('x', key)).not.toBe(sealBody('x', key));
  });

  it('cannot be opened under another admin token, nor when damaged', () => {
    const sealed = sealBody('{"a":1}', key);
    expect(openBody(sealed, sealingKey('admin-token-two-0123456789'))).toBeUndefined();
    expect(openBody(`${sealed.slice(0, -4)}AAAA`, key)).toBeUndefined();
    expect(openBody('{"a":1}', key)).toBeUndefined();
  });
});
