import { parseGitUrl } from './git-url';

describe('parseGitUrl', () => {
  it.each([
    ['https://github.com/acme/widget.git', 'http', 'https://github.com'],
    ['http://127.0.0.1:8080/acme/widget.git', 'http', 'http://127.0.0.1:8080'],
    ['ssh://git@github.com/acme/widget.git', 'ssh', undefined],
    ['ssh://git@host:2222/acme/widget.git', 'ssh', undefined],
    ['git@github.com:acme/widget.git', 'ssh', undefined],
    ['file:///srv/git/widget.git', 'file', undefined],
  ])('accepts %s as %s', (url, transport, origin) => {
    expect(parseGitUrl(url)).toEqual({ url, transport, ...(origin ? { origin } : {}) });
  });

  it.each([
    ['ext::sh -c touch% /tmp/x', 'whitespace'],
    ['ext::sh', 'not supported'],
    ['fd::3', 'not supported'],
    ['ftp://host/x.git', 'not supported'],
    ['-uhttps://x', 'may not start with "-"'],
    ['https://user:token@github.com/acme/widget.git', 'contains credentials'],
    ['https://token@github.com/acme/widget.git', 'contains credentials'],
    ['ssh://git:pw@host/x.git', 'password'],
    ['file://host/srv/x.git', 'local path'],
    ['widget', 'not a URL'],
    ['', 'empty'],
    [`https://h/${'x'.repeat(2000)}`, 'longer than'],
  ])('refuses %j (%s)', (url, problem) => {
    const parsed = parseGitUrl(url);
    expect('problem' in parsed && parsed.problem).toContain(problem);
  });
});
