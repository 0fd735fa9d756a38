import { parseGitUrl } from './git-url';

describe('parseGitUrl', () => {
  it.each([
    ['https://github.com/acme/widget.git', 'http', 'https://github.com'],
    ['http://127.0.0.1:8080/acme/widget.git', 'http', 'http://127.0.0.1:8080'],
    ['ssh://git@github.com/acme/widget.git', 'ssh', undefined],
    ['ssh://git@host:2222/acme/widget.git', 'ssh', undefined],
    ['git@github.com:acme/widget.git', 'ssh', undefined],
    ['deploy.bot@git.example.com:acme/widget.git', 'ssh', undefined],
    ['file:///srv/git/widget.git', 'file', undefined],
    [`https://h/${'x'.repeat(2000 - 'https://h/'.length)}`, 'http', 'https://h'],
  ])('accepts %s as %s', (url, transport, origin) => {
    expect(parseGitUrl(url)).toEqual({ url, transport, ...(origin ? { origin } : {}) });
  });

  // A URL pasted with a stray space or newline around it is still the URL.
  it.each([
    ['  https://github.com/acme/widget.git', 'https://github.com/acme/widget.git'],
    ['git@github.com:acme/widget.git\n', 'git@github.com:acme/widget.git'],
  ])('trims %j to %s', (raw, url) => {
    expect(parseGitUrl(raw)).toMatchObject({ url });
  });

  it.each([
    ['ext::sh -c touch% /tmp/x', 'the URL contains whitespace or control characters'],
    ['https://github.com/acme/wid\tget.git', 'the URL contains whitespace or control characters'],
    ['https://github.com/acme/widget.git\x00', 'the URL contains whitespace or control characters'],
    ['https://github.com/acme/\x1bwidget.git', 'the URL contains whitespace or control characters'],
    ['https://github.com/acme/widget.git\x7f', 'the URL contains whitespace or control characters'],
    ['ext::sh', 'the transport "ext" is not supported: use https, ssh or file'],
    ['fd::3', 'the transport "fd" is not supported: use https, ssh or file'],
    ['ftp://host/x.git', 'the transport "ftp" is not supported: use https, ssh or file'],
    ['-uhttps://x', 'the URL may not start with "-"'],
    [
      'https://user:token@github.com/acme/widget.git',
      'the URL contains credentials: send them as "credentials" instead, so they are stored encrypted',
    ],
    [
      'https://token@github.com/acme/widget.git',
      'the URL contains credentials: send them as "credentials" instead, so they are stored encrypted',
    ],
    [
      'https://:token@github.com/acme/widget.git',
      'the URL contains credentials: send them as "credentials" instead, so they are stored encrypted',
    ],
    // Read as git@host:path this would slip past the credentials check.
    [
      'https://token@github.com:8443/acme/widget.git',
      'the URL contains credentials: send them as "credentials" instead, so they are stored encrypted',
    ],
    ['ssh://git:pw@host/x.git', 'the URL contains a password: use an SSH key in "credentials"'],
    ['ssh:///srv/git/x.git', 'the URL has no host'],
    ['file://host/srv/x.git', 'file URLs name a local path (file:///path)'],
    ['widget', 'it is not a URL: use https://…, ssh://…, git@host:path or file:///…'],
    ['git@github.com://acme/widget.git', 'it is not a URL: use https://…, ssh://…, git@host:path or file:///…'],
    ['', 'the URL is empty'],
    ['   ', 'the URL is empty'],
    [`https://h/${'x'.repeat(2000 - 'https://h/'.length + 1)}`, 'the URL is longer than 2000 characters'],
  ])('refuses %j: %s', (url, problem) => {
    expect(parseGitUrl(url)).toEqual({ problem });
  });
});
