import { setupSnippets } from './setup-snippets';

describe('setupSnippets', () => {
  it('keys auth by host and port when the port is not the default', () => {
    const s = setupSnippets('http://127.0.0.1:8080', 'packyard', 'tok_abc');
    expect(s.host).toBe('127.0.0.1:8080');
    expect(s.configCommands.split('\n')).toEqual([
      'composer config repositories.packyard composer http://127.0.0.1:8080',
      'composer config secure-http false',
      'composer config --auth http-basic.127.0.0.1:8080 token tok_abc',
    ]);
    expect(JSON.parse(s.composerAuth)).toEqual({
      'http-basic': { '127.0.0.1:8080': { username: 'token', password: 'tok_abc' } },
    });
  });

  it('leaves the default port out and secure-http alone for https', () => {
    const s = setupSnippets('https://packages.example.com:443/registry', 'acme');
    expect(s.host).toBe('packages.example.com');
    expect(s.insecure).toBe(false);
    expect(s.configCommands).not.toContain('secure-http');
    expect(s.configCommands).toContain(
      'composer config repositories.acme composer https://packages.example.com:443/registry',
    );
    expect(s.configCommands).toContain('http-basic.packages.example.com token YOUR_TOKEN');
  });
});
