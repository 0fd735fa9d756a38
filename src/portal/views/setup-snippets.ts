/** The copy-ready lines for one token (or the TOKEN placeholder), for this server's public URL. */
export interface SetupSnippets {
  /** The auth.json key: the host, with the port when it is not the default one. */
  host: string;
  repositoryUrl: string;
  insecure: boolean;
  configCommands: string;
  authJson: string;
  composerAuth: string;
  githubWorkflow: string;
  gitlabCi: string;
}

export const TOKEN_PLACEHOLDER = 'YOUR_TOKEN';

/** Single quotes for a POSIX shell: nothing inside is expanded. */
function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export function setupSnippets(
  publicUrl: string,
  repositoryName: string,
  token: string = TOKEN_PLACEHOLDER,
): SetupSnippets {
  const url = new URL(publicUrl);
  // URL.host leaves out the scheme's default port, exactly as Composer keys auth.json.
  const host = url.host;
  const insecure = url.protocol === 'http:';
  const commands = [
    `composer config repositories.${repositoryName} composer ${shellQuote(publicUrl)}`,
    ...(insecure ? ['composer config secure-http false'] : []),
    `composer config --auth http-basic.${host} token ${shellQuote(token)}`,
  ];
  const auth = { 'http-basic': { [host]: { username: 'token', password: token } } };
  return {
    host,
    repositoryUrl: publicUrl,
    insecure,
    configCommands: commands.join('\n'),
    authJson: JSON.stringify(auth, null, 4),
    composerAuth: JSON.stringify(auth),
    githubWorkflow: [
      '- name: Install dependencies',
      '  run: composer install --no-interaction --prefer-dist',
      '  env:',
      '    COMPOSER_AUTH: ${{ secrets.COMPOSER_AUTH }}',
    ].join('\n'),
    gitlabCi: [
      'install:',
      '  script:',
      `    - composer config --auth http-basic.${host} token "$PACKYARD_TOKEN"`,
      '    - composer install --no-interaction --prefer-dist',
    ].join('\n'),
  };
}
