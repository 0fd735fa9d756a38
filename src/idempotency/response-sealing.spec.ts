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

describe('response sealing across releases', () => {
  // Stored answers live for 24 hours: one sealed before an upgrade must still open after it.
  const key = sealingKey('admin-token-one-0123456789');

  it('derives the same key from the same admin token', () => {
    expect(key.toString('hex')).toBe('d9ea58317683a74b53d79ce35d5ffadcd88e891c02d77166ddbdd5fdcc471012');
  });

  it('opens an answer sealed by an earlier release', () => {
    expect(openBody('v1:EgT7MjX7HRegOZJQYCvyT13/HUUtfKmmHCGSA5KIaC5Bv540Nk4gzavDjtSCvke6fT0=', key)).toBe(
      '{"token":"tok_secret"}',
    );
  });

  it('round-trips an empty body and non-ASCII text', () => {
    expect(openBody(sealBody('', key), key)).toBe('');
    expect(openBody(sealBody('{"name":"Müller ✓"}', key), key)).toBe('{"name":"Müller ✓"}');
  });

  it('refuses values too short to hold the nonce and tag, without throwing', () => {
    expect(openBody(`v1:${Buffer.alloc(27).toString('base64')}`, key)).toBeUndefined();
    expect(openBody(`v1:${Buffer.alloc(28).toString('base64')}`, key)).toBeUndefined();
    expect(openBody('v1:', key)).toBeUndefined();
    expect(openBody('', key)).toBeUndefined();
  });

  it('refuses a value sealed under another format version', () => {
    const sealed = sealBody('x', key);
    expect(sealed.startsWith('v1:')).toBe(true);
    expect(openBody(`v2:${sealed.slice(3)}`, key)).toBeUndefined();
    expect(openBody(sealed.slice(3), key)).toBeUndefined();
  });

  it('uses a fresh 12-byte nonce and a 16-byte tag around the ciphertext', () => {
    const raw = Buffer.from(sealBody('abc', key).slice(3), 'base64');
    expect(raw.length).toBe(12 + 16 + 3);
  });
});
