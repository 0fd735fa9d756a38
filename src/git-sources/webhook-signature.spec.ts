import { createHmac } from 'node:crypto';
import { isPingEvent, verifyGitWebhook } from './webhook-signature';

const secret = 'whs_test_secret';
const body = Buffer.from('{"ref":"refs/tags/v1.0.0"}');
const sha256 = createHmac('sha256', secret).update(body).digest('hex');
const sha1 = createHmac('sha1', secret).update(body).digest('hex');
const wrong = createHmac('sha256', 'other').update(body).digest('hex');

describe('verifyGitWebhook', () => {
  it.each([
    ['GitHub', { 'x-hub-signature-256': `sha256=${sha256}`, 'x-github-event': 'push' }, 'github'],
    [
      'Gitea (both headers)',
      { 'x-hub-signature-256': `sha256=${sha256}`, 'x-gitea-signature': sha256, 'x-gitea-event': 'push' },
      'gitea',
    ],
    ['Gitea / Forgejo', { 'x-gitea-signature': sha256 }, 'gitea'],
    ['Bitbucket Cloud', { 'x-hub-signature': `sha256=${sha256}`, 'x-event-key': 'repo:push' }, 'bitbucket'],
    ['GitHub legacy sha1', { 'x-hub-signature': `sha1=${sha1}` }, 'github'],
    ['GitLab', { 'x-gitlab-token': secret }, 'gitlab'],
  ])('accepts %s', (_host, headers, host) => {
    expect(verifyGitWebhook(headers, body, secret)).toEqual({ ok: true, host });
  });

  it.each([
    ['no signature', {}],
    ['wrong GitHub signature', { 'x-hub-signature-256': `sha256=${wrong}` }],
    [
      'a wrong strong header is not rescued by a right GitLab token',
      { 'x-hub-signature-256': `sha256=${wrong}`, 'x-gitlab-token': secret },
    ],
    ['wrong Gitea signature', { 'x-gitea-signature': wrong }],
    ['Bitbucket without algorithm', { 'x-hub-signature': sha256 }],
    ['wrong GitLab token', { 'x-gitlab-token': 'guess' }],
    [
      'signature of another body',
      { 'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update('{}').digest('hex')}` },
    ],
  ])('refuses %s', (_case, headers) => {
    expect(verifyGitWebhook(headers, body, secret).ok).toBe(false);
  });
});

describe('isPingEvent', () => {
  it.each([
    [{ 'x-github-event': 'ping' }, true],
    [{ 'x-event-key': 'diagnostics:ping' }, true],
    [{ 'x-github-event': 'push' }, false],
    [{ 'x-gitlab-event': 'Push Hook' }, false],
  ])('%j → %s', (headers, ping) => expect(isPingEvent(headers)).toBe(ping));
});
