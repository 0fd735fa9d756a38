import { createHmac, timingSafeEqual } from 'node:crypto';

export type GitHost = 'github' | 'gitea' | 'bitbucket' | 'gitlab';

export type WebhookHeaders = Record<string, string | string[] | undefined>;

export type WebhookVerdict = { ok: true; host: GitHost } | { ok: false; problem: string };

function header(headers: WebhookHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

function hmacHex(algorithm: 'sha256' | 'sha1', secret: string, body: Buffer): string {
  return createHmac(algorithm, secret).update(body).digest('hex');
}

/**
 * Verifies a push delivery against the repository's secret, the way each host signs it:
 * GitHub `X-Hub-Signature-256: sha256=<hmac>`, Gitea/Forgejo `X-Gitea-Signature: <hmac>`,
 * Bitbucket Cloud `X-Hub-Signature: sha256=<hmac>` (GitHub's legacy `sha1=` too), GitLab
 * `X-Gitlab-Token: <secret>`. The strongest header present decides; a wrong one is never
 * rescued by another.
 */
export function verifyGitWebhook(headers: WebhookHeaders, body: Buffer, secret: string): WebhookVerdict {
  const github = header(headers, 'x-hub-signature-256');
  if (github !== undefined) {
    return sameText(github.trim().toLowerCase(), `sha256=${hmacHex('sha256', secret, body)}`)
      ? { ok: true, host: header(headers, 'x-gitea-event') ? 'gitea' : 'github' }
      : { ok: false, problem: "X-Hub-Signature-256 does not match the body signed with this repository's secret" };
  }
  const gitea = header(headers, 'x-gitea-signature') ?? header(headers, 'x-gogs-signature');
  if (gitea !== undefined) {
    return sameText(gitea.trim().toLowerCase(), hmacHex('sha256', secret, body))
      ? { ok: true, host: 'gitea' }
      : { ok: false, problem: "X-Gitea-Signature does not match the body signed with this repository's secret" };
  }
  const hub = header(headers, 'x-hub-signature');
  if (hub !== undefined) {
    const [algorithm, digest] = hub.trim().toLowerCase().split('=', 2);
    if ((algorithm !== 'sha256' && algorithm !== 'sha1') || !digest) {
      return { ok: false, problem: 'X-Hub-Signature must be "sha256=<hex>" (or "sha1=<hex>")' };
    }
    return sameText(digest, hmacHex(algorithm, secret, body))
      ? { ok: true, host: header(headers, 'x-event-key') ? 'bitbucket' : 'github' }
      : { ok: false, problem: "X-Hub-Signature does not match the body signed with this repository's secret" };
  }
  const gitlab = header(headers, 'x-gitlab-token');
  if (gitlab !== undefined) {
    return sameText(gitlab, secret)
      ? { ok: true, host: 'gitlab' }
      : { ok: false, problem: "X-Gitlab-Token is not this repository's secret" };
  }
  return {
    ok: false,
    problem:
      'No signature: send X-Hub-Signature-256 (GitHub), X-Gitlab-Token (GitLab), X-Hub-Signature (Bitbucket) or X-Gitea-Signature (Gitea)',
  };
}

/** Deliveries that announce a webhook rather than a push: verified, answered, nothing synced. */
export function isPingEvent(headers: WebhookHeaders): boolean {
  const event = header(headers, 'x-github-event') ?? header(headers, 'x-gitea-event') ?? header(headers, 'x-event-key');
  return event === 'ping' || event === 'diagnostics:ping';
}
