import { SIGNATURE_HEADER, signatureHeader, verifySignature } from './webhook-signature';

describe('webhook signatures', () => {
  const body = '{"id":"evt_1","type":"customer.created"}';
  const now = 1_765_000_000;
  const header = signatureHeader('whsec_secret', body, now);

  it('has the documented shape', () => {
    expect(header).toMatch(/^t=1765000000,v1=[0-9a-f]{64}$/);
  });

  // A receiver checks the digest with its own HMAC library; this one is from
  // `printf '0.The quick brown fox jumps over the lazy dog' | openssl dgst -sha256 -hmac key`.
  it('signs "<t>.<body>" with HMAC-SHA256 of the secret', () => {
    expect(signatureHeader('key', 'The quick brown fox jumps over the lazy dog', 0)).toBe(
      't=0,v1=8511f28f7a1949f0c42772b447d68b2daf760f5f0439a20a17e3b4e7cd395763',
    );
  });

  it('names its header with HTTP token characters only', () => {
    expect(SIGNATURE_HEADER).toMatch(/^[A-Za-z0-9-]+$/);
  });

  it.each([
    ['the same secret, body and time', 'whsec_secret', body, header, now, true],
    ['a signature within the tolerance', 'whsec_secret', body, header, now + 299, true],
    ['a signature exactly at the tolerance', 'whsec_secret', body, header, now + 300, true],
    ['a receiver whose clock is behind, within the tolerance', 'whsec_secret', body, header, now - 300, true],
    ['another secret', 'whsec_other', body, header, now, false],
    ['a changed body', 'whsec_secret', body.replace('created', 'deleted'), header, now, false],
    ['an old signature (replay)', 'whsec_secret', body, header, now + 301, false],
    ['a signature from the future', 'whsec_secret', body, header, now - 301, false],
    [
      'a timestamp changed to a later one',
      'whsec_secret',
      body,
      header.replace(`t=${now}`, `t=${now + 1}`),
      now,
      false,
    ],
    ['no header', 'whsec_secret', body, undefined, now, false],
    ['garbage', 'whsec_secret', body, 't=x,v1=y', now, false],
    ['a header with something before it', 'whsec_secret', body, ` ${header}`, now, false],
    ['a header with something after it', 'whsec_secret', body, `${header},v0=abc`, now, false],
    [
      'an upper-case digest',
      'whsec_secret',
      body,
      header.toUpperCase().replace('T=', 't=').replace('V1=', 'v1='),
      now,
      false,
    ],
    ['a short digest', 'whsec_secret', body, header.slice(0, -2), now, false],
  ])('%s', (_name, secret, payload, signature, at, valid) => {
    expect(verifySignature(secret, payload, signature, at)).toBe(valid);
  });
});
