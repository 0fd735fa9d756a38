import { signatureHeader, verifySignature } from './webhook-signature';

describe('webhook signatures', () => {
  const body = '{"id":"evt_1","type":"customer.created"}';
  const now = 1_765_000_000;
  const header = signatureHeader('whsec_secret', body, now);

  it('has the documented shape', () => {
    expect(header).toMatch(/^t=1765000000,v1=[0-9a-f]{64}$/);
  });

  it.each([
    ['the same secret, body and time', 'whsec_secret', body, header, now, true],
    ['a signature within the tolerance', 'whsec_secret', body, header, now + 299, true],
    ['another secret', 'whsec_other', body, header, now, false],
    ['a changed body', 'whsec_secret', body.replace('created', 'deleted'), header, now, false],
    ['an old signature (replay)', 'whsec_secret', body, header, now + 301, false],
    ['no header', 'whsec_secret', body, undefined, now, false],
    ['garbage', 'whsec_secret', body, 't=x,v1=y', now, false],
  ])('%s', (_name, secret, payload, signature, at, valid) => {
    expect(verifySignature(secret, payload, signature, at)).toBe(valid);
  });
});
