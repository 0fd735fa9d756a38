import type { PortalToken } from '../portal.service';
import { html, SafeHtml } from '../html';
import { AccessOverview, DownloadLine, PackageDetails, VersionLine } from '../portal.service';
import { renderReadme } from '../readme-html';
import { SetupSnippets } from './setup-snippets';

export interface Branding {
  title: string;
  logoUrl: string | undefined;
  supportUrl: string | undefined;
}

export type Section = 'access' | 'setup' | 'tokens' | 'downloads';

export interface PageContext {
  branding: Branding;
  /** The portal's public path, e.g. "/portal" (with PUBLIC_URL's path prefix). */
  base: string;
  csrf: string;
  customerName?: string;
  section?: Section;
}

const SECTIONS: Array<[Section, string, string]> = [
  ['access', 'My access', '/access'],
  ['setup', 'Set up Composer', '/setup'],
  ['tokens', 'Tokens', '/tokens'],
  ['downloads', 'Downloads', '/downloads'],
];

function day(date: Date): SafeHtml {
  return html`<time datetime="${date.toISOString()}">${date.toISOString().slice(0, 10)}</time>`;
}

function instant(date: Date): SafeHtml {
  return html`<time datetime="${date.toISOString()}">${date.toISOString().slice(0, 16).replace('T', ' ')} UTC</time>`;
}

function csrfField(ctx: PageContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;
}

/** A block of text with a copy button; the button only appears when the script runs. */
export function copyable(id: string, text: string, label = 'Copy'): SafeHtml {
  return html`<div class="copyable"><pre><code id="${id}">${text}</code></pre><button type="button" class="copy" data-copy="${id}" hidden>${label}</button></div>`;
}

export function layout(ctx: PageContext, heading: string, body: SafeHtml): string {
  const { branding, base } = ctx;
  const nav = ctx.customerName
    ? html`<nav aria-label="Portal">${SECTIONS.map(
        ([section, label, path]) =>
          html`<a href="${base}${path}"${section === ctx.section ? html` aria-current="page"` : ''}>${label}</a>`,
      )}</nav>
      <form method="post" action="${base}/sign-out" class="sign-out">${csrfField(ctx)}<span>${ctx.customerName}</span> <button type="submit">Sign out</button></form>`
    : '';
  const support = branding.supportUrl
    ? html`<a href="${branding.supportUrl}">Contact support</a>`
    : html`Contact your package vendor for help.`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${heading} · ${branding.title}</title>
<link rel="stylesheet" href="${base}/assets/portal.css">
<script src="${base}/assets/portal.js" defer></script>
</head>
<body>
<header>
  <a class="brand" href="${base}">${branding.logoUrl ? html`<img src="${branding.logoUrl}" alt="" height="32">` : ''}<span>${branding.title}</span></a>
  ${nav}
</header>
<main>
<h1>${heading}</h1>
${body}
</main>
<footer>${support}</footer>
</body>
</html>
`.value;
}

export function signInPage(ctx: PageContext, notice?: string, error?: string): string {
  return layout(
    ctx,
    'Sign in',
    html`${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post" action="${ctx.base}/sign-in" class="card">
  ${csrfField(ctx)}
  <label for="token">Your access token</label>
  <input id="token" name="token" type="password" autocomplete="current-password" required maxlength="200" placeholder="tok_…">
  <p class="hint">The token your vendor sent you (also the password in your <code>auth.json</code>). It is only used to sign you in and is never shown in an address.</p>
  <button type="submit">Sign in</button>
</form>`,
  );
}

function versionsList(versions: VersionLine[]): SafeHtml {
  if (versions.length === 0) return html`<p class="muted">No version is installable for you right now.</p>`;
  return html`<table class="versions"><thead><tr><th>Version</th><th>Released</th><th>Stability</th></tr></thead><tbody>${versions.map(
    (version) =>
      html`<tr><td><code>${version.version}</code></td><td>${day(version.releasedAt)}</td><td>${version.stability}</td></tr>`,
  )}</tbody></table>`;
}

const STATUS_WORDS: Record<string, [string, string]> = {
  active: ['Active', 'You can install every version your grants allow.'],
  frozen: ['Frozen', 'You can keep installing the versions listed below; newer releases are not included.'],
  suspended: ['Suspended', ''],
  expired: ['Expired', ''],
};

export function accessPage(ctx: PageContext, overview: AccessOverview, now: Date): string {
  const [word, explanation] = STATUS_WORDS[overview.status];
  const end = overview.expiresAt
    ? html`<p>Your subscription ${overview.expiresAt > now ? 'ends' : 'ended'} on ${day(overview.expiresAt)}.</p>`
    : '';
  const packages = overview.packages.length
    ? overview.packages.map(
        (pkg) => html`<section class="package card">
  <h2><a href="${ctx.base}/packages/${pkg.name}">${pkg.name}</a></h2>
  <p>${pkg.constraint !== null ? html`Granted versions: <code>${pkg.constraint}</code>` : html`Pinned by the freeze`}</p>
  ${versionsList(pkg.versions)}
</section>`,
      )
    : html`<p class="muted">You have no packages yet.</p>`;
  return layout(
    { ...ctx, section: 'access' },
    'My access',
    html`<section class="status status-${overview.status} card" aria-label="Status">
  <p><strong>Status: ${word}</strong></p>
  ${overview.deniedMessage ? html`<p class="denied" role="alert">${overview.deniedMessage}</p>` : html`<p>${explanation}</p>`}
  ${end}
</section>
${packages}`,
  );
}

export function packagePage(ctx: PageContext, details: PackageDetails): string {
  const newest = details.newest;
  const requires =
    newest && Object.keys(newest.require).length
      ? html`<h2>Requires (${newest.version})</h2><ul class="requires">${Object.entries(newest.require).map(
          ([name, constraint]) => html`<li><code>${name}</code> <code>${constraint}</code></li>`,
        )}</ul>`
      : '';
  return layout(
    { ...ctx, section: 'access' },
    details.name,
    html`${newest?.description ? html`<p class="lead">${newest.description}</p>` : ''}
<dl class="facts">
  <dt>Granted versions</dt><dd>${details.constraint !== null ? html`<code>${details.constraint}</code>` : 'pinned by the freeze'}</dd>
  ${newest ? html`<dt>Newest you can install</dt><dd><code>${newest.version}</code></dd>` : ''}
  ${newest?.license.length ? html`<dt>License</dt><dd>${newest.license.join(', ')}</dd>` : ''}
</dl>
<h2>Install</h2>
${copyable('require-line', `composer require ${details.name}`)}
${requires}
<h2>Versions</h2>
${versionsList(details.versions)}
<h2>README</h2>
${newest?.readme ? html`<article class="readme">${renderReadme(newest.readme)}</article>` : html`<p class="muted">This version has no README.</p>`}`,
  );
}

export function setupPage(ctx: PageContext, snippets: SetupSnippets): string {
  return layout(
    { ...ctx, section: 'setup' },
    'Set up Composer',
    html`<p>Replace <code>YOUR_TOKEN</code> with your token. A token created on the <a href="${ctx.base}/tokens">Tokens</a> page comes with these lines filled in.</p>
<h2>In your project</h2>
<p>Run in the folder with your <code>composer.json</code>:</p>
${copyable('setup-commands', snippets.configCommands)}
${snippets.insecure ? html`<p class="hint">This server uses plain <code>http://</code>, so the project also needs <code>secure-http</code> turned off (the second line).</p>` : ''}
<p>The last line writes your credentials to <code>auth.json</code> next to <code>composer.json</code>; keep that file out of version control. Written by hand, it is:</p>
${copyable('auth-json', snippets.authJson)}
<h2>Continuous integration</h2>
<h3>GitHub Actions</h3>
<p>Add a repository secret named <code>COMPOSER_AUTH</code> (Settings → Secrets and variables → Actions) with this value:</p>
${copyable('composer-auth', snippets.composerAuth)}
<p>and pass it to Composer in your workflow:</p>
${copyable('github-workflow', snippets.githubWorkflow)}
<h3>GitLab CI</h3>
<p>Add a masked CI/CD variable named <code>PACKYARD_TOKEN</code> (Settings → CI/CD → Variables) holding the token, then:</p>
${copyable('gitlab-ci', snippets.gitlabCi)}
<p class="hint">Use a separate token per CI system, so you can revoke one without breaking the others.</p>`,
  );
}

export interface TokensPageState {
  tokens: PortalToken[];
  currentTokenId: string;
  canManage: boolean;
  notice?: string;
  created?: { token: PortalToken; secret: string; snippets: SetupSnippets };
}

export function tokensPage(ctx: PageContext, state: TokensPageState, now: Date): string {
  const created = state.created
    ? html`<section class="card created" role="status">
  <h2>Token “${state.created.token.label}” created</h2>
  <p><strong>Copy it now: it is shown only once.</strong></p>
  ${copyable('new-token', state.created.secret, 'Copy token')}
  <p>For GitHub Actions, the <code>COMPOSER_AUTH</code> secret:</p>
  ${copyable('new-composer-auth', state.created.snippets.composerAuth)}
  <p>For a project or CI script:</p>
  ${copyable('new-setup-commands', state.created.snippets.configCommands)}
</section>`
    : '';
  const rows = state.tokens.map((token) => {
    const expired = token.expiresAt !== null && token.expiresAt <= now;
    const revoke = state.canManage
      ? html`<form method="post" action="${ctx.base}/tokens/${token.id}/revoke">${csrfField(ctx)}<button type="submit" class="danger" aria-label="Revoke ${token.label ?? token.prefix}">Revoke</button></form>`
      : '';
    return html`<tr data-token="${token.prefix}">
  <td>${token.label ?? html`<span class="muted">no label</span>`}${token.id === state.currentTokenId ? html` <span class="tag">this session</span>` : ''}</td>
  <td><code>${token.prefix}…</code></td>
  <td>${day(token.createdAt)}</td>
  <td>${token.lastUsedAt ? instant(token.lastUsedAt) : html`<span class="muted">never</span>`}</td>
  <td>${token.expiresAt ? html`${expired ? 'expired ' : ''}${day(token.expiresAt)}` : html`<span class="muted">never</span>`}</td>
  <td>${revoke}</td>
</tr>`;
  });
  const form = state.canManage
    ? html`<form method="post" action="${ctx.base}/tokens" class="card">
  ${csrfField(ctx)}
  <h2>New token</h2>
  <label for="label">Label</label>
  <input id="label" name="label" required maxlength="200" placeholder="GitHub Actions">
  <label for="expires_on">Expires on (optional)</label>
  <input id="expires_on" name="expires_on" type="date">
  <button type="submit">Create token</button>
</form>`
    : html`<p class="notice">Tokens for your account are managed by your vendor. Ask them for a new token or to revoke one.</p>`;
  return layout(
    { ...ctx, section: 'tokens' },
    'Tokens',
    html`${state.notice ? html`<p class="notice" role="status">${state.notice}</p>` : ''}
${created}
<table class="tokens"><thead><tr><th>Label</th><th>Token</th><th>Created</th><th>Last used</th><th>Expires</th><th></th></tr></thead>
<tbody>${rows}</tbody></table>
${form}`,
  );
}

export function downloadsPage(ctx: PageContext, downloads: DownloadLine[]): string {
  return layout(
    { ...ctx, section: 'downloads' },
    'Recent downloads',
    downloads.length
      ? html`<table class="downloads"><thead><tr><th>Package</th><th>Version</th><th>When</th><th>Token</th></tr></thead><tbody>${downloads.map(
          (line) =>
            html`<tr><td>${line.packageName}</td><td><code>${line.version}</code></td><td>${instant(line.downloadedAt)}</td><td>${line.token}</td></tr>`,
        )}</tbody></table>`
      : html`<p class="muted">No downloads yet.</p>`,
  );
}

export function errorPage(ctx: PageContext, heading: string, message: string, retryAfterSeconds?: number): string {
  return layout(
    ctx,
    heading,
    html`<p class="error" role="alert">${message}</p>
${retryAfterSeconds ? html`<p>Try again in ${retryAfterSeconds} seconds.</p>` : ''}
<p><a href="${ctx.base}">Back to the portal</a></p>`,
  );
}
