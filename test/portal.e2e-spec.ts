import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { Clock } from '../src/common/clock';
import { launchChromium } from './helpers/browser';
import { createCustomer, publish } from './helpers/catalog';
import { ComposerProject } from './helpers/composer';
import { createTestApp, TestApp } from './helpers/test-app';

/** `npm run screenshots` sets this: the pages below are then saved for the README. */
const SCREENSHOTS = process.env.PORTAL_SCREENSHOTS ? resolve(process.env.PORTAL_SCREENSHOTS) : undefined;

async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const EVIL_README = [
  '# Evil',
  '<script>window.__pwned = "script"</script>',
  '<img src="https://127.0.0.1:1/x.png" onerror="window.__pwned = \'onerror\'">',
  "[click me](javascript:window.__pwned='link')",
  '<a href="javascript:window.__pwned=\'anchor\'">anchor</a>',
  '<iframe src="javascript:parent.__pwned=\'frame\'"></iframe>',
].join('\n\n');

/** A signed-in supertest agent's state: the cookie and the CSRF token of the page it last read. */
async function anonymousSession(t: TestApp): Promise<{ cookie: string; csrf: string }> {
  const res = await t.http().get('/portal').expect(200);
  const cookie = (res.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
  const csrf = /name="_csrf" value="([^"]+)"/.exec(res.text)![1];
  return { cookie, csrf };
}

async function signedInSession(t: TestApp, token: string): Promise<{ cookie: string; csrf: string }> {
  const anonymous = await anonymousSession(t);
  const res = await t
    .http()
    .post('/portal/sign-in')
    .set('Cookie', anonymous.cookie)
    .type('form')
    .send({ token, _csrf: anonymous.csrf })
    .expect(303);
  const cookie = (res.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
  const page = await t.http().get('/portal/tokens').set('Cookie', cookie).expect(200);
  return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(page.text)![1] };
}

describe('Customer portal in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let customer: { id: string; token: string };
  let ciToken: string;

  beforeAll(async () => {
    t = await createTestApp({
      PORTAL_TITLE: 'Acme Packages',
      PORTAL_SUPPORT_URL: 'support@acme.test',
      AUTH_FAILURES_PER_TOKEN_PREFIX: '3',
    });
    await publish(t, 'acme/widget', '1.0.0', { releasedAt: '2026-01-10T10:00:00Z' });
    await publish(t, 'acme/widget', '1.1.0', {
      releasedAt: '2026-02-10T10:00:00Z',
      require: { php: '>=7.4', 'ext-json': '*' },
      files: { 'README.md': '# Acme Widget\n\nMakes **widgets**.\n\n```php\n$w = new Widget();\n```\n' },
    });
    await publish(t, 'acme/widget', '2.0.0', { releasedAt: '2026-03-10T10:00:00Z' });
    await publish(t, 'acme/gadget', '1.0.0');
    await publish(t, 'acme/evil', '1.0.0', { files: { 'README.md': EVIL_README } });
    customer = await createCustomer(t, { 'acme/widget': '^1.0', 'acme/evil': '*' }, 'Globex');
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  it('signs in with a token, which never appears in a URL, into an HttpOnly SameSite=Lax session', async () => {
    await page.goto(`${t.url}/portal`);
    await expect(page.title()).resolves.toBe('Sign in · Acme Packages');
    await expect(page.locator('footer a').getAttribute('href')).resolves.toBe('mailto:support@acme.test');
    await screenshot(page, 'sign-in');
    await page.fill('#token', customer.token);
    await page.click('button[type=submit]:has-text("Sign in")');
    await page.waitForURL(`${t.url}/portal/access`);
    expect(page.url()).not.toContain(customer.token);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({
      name: 'packyard_portal',
      httpOnly: true,
      sameSite: 'Lax',
      secure: false,
      path: '/portal',
    });
    expect(cookie.value).not.toContain(customer.token);
  });

  it('shows the status and exactly the packages and versions the grants allow, newest first', async () => {
    await expect(page.locator('.status').innerText()).resolves.toContain('Status: Active');
    const packages = await page.locator('section.package h2').allInnerTexts();
    expect(packages).toEqual(['acme/evil', 'acme/widget']);
    const widget = page.locator('section.package', { hasText: 'acme/widget' });
    await expect(widget.locator('td:first-child').allInnerTexts()).resolves.toEqual(['1.1.0', '1.0.0']);
    await expect(widget.innerText()).resolves.toContain('^1.0');
    await expect(widget.innerText()).resolves.toContain('2026-02-10');
    await expect(page.content()).resolves.not.toContain('acme/gadget');
    await expect(page.content()).resolves.not.toContain('2.0.0');
    await screenshot(page, 'access');
  });

  it('shows a package page with its README, requirements and the composer require line', async () => {
    await page.click('a:has-text("acme/widget")');
    await page.waitForURL(`${t.url}/portal/packages/acme/widget`);
    await expect(page.locator('.readme h1').innerText()).resolves.toBe('Acme Widget');
    await expect(page.locator('.readme strong').innerText()).resolves.toBe('widgets');
    await expect(page.locator('#require-line').innerText()).resolves.toBe('composer require acme/widget');
    await expect(page.locator('ul.requires').innerText()).resolves.toContain('ext-json');
    await expect(page.locator('dl.facts').innerText()).resolves.toContain('proprietary');
    await screenshot(page, 'package');
    const denied = await page.goto(`${t.url}/portal/packages/acme/gadget`);
    expect(denied?.status()).toBe(404);
  });

  it('renders a README with script, event handlers and javascript: links inert', async () => {
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${t.url}/portal/packages/acme/evil`);
    await page.click('.readme a:has-text("click me")').catch(() => undefined);
    await page.click('.readme a:has-text("anchor")').catch(() => undefined);
    await page.waitForTimeout(300);
    if (page.url() !== `${t.url}/portal/packages/acme/evil`) await page.goto(`${t.url}/portal/packages/acme/evil`);
    await expect(page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).resolves.toBeUndefined();
    expect(dialogs).toEqual([]);
    const readme = await page.locator('.readme').innerHTML();
    expect(readme).not.toMatch(/<script|onerror|javascript:|<iframe/i);
    await expect(page.locator('.readme h1').innerText()).resolves.toBe('Evil');
  });

  it('copies the setup command for this host and port with one click', async () => {
    await page.click('nav a:has-text("Set up Composer")');
    const port = new URL(t.url).port;
    const commands = await page.locator('#setup-commands').innerText();
    expect(commands).toContain(`composer config repositories.acme-packages composer ${t.url}`);
    expect(commands).toContain(`composer config --auth http-basic.127.0.0.1:${port} token YOUR_TOKEN`);
    await page.click('button[data-copy="setup-commands"]');
    // The button says so once the clipboard write resolved, which a busy machine may take a moment for.
    await page.locator('button[data-copy="setup-commands"]', { hasText: 'Copied' }).waitFor({ timeout: 10_000 });
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(commands);
    await expect(page.locator('#composer-auth').innerText()).resolves.toContain(`"127.0.0.1:${port}"`);
    await expect(page.locator('#gitlab-ci').innerText()).resolves.toContain('PACKYARD_TOKEN');
    await screenshot(page, 'setup');
  });

  it('creates a labelled CI token shown once, which the real Composer client can use', async () => {
    await page.click('nav a:has-text("Tokens")');
    await page.fill('#label', 'GitHub Actions');
    await page.click('button:has-text("Create token")');
    ciToken = await page.locator('#new-token').innerText();
    expect(ciToken).toMatch(/^tok_/);
    await expect(page.locator('table.tokens').innerText()).resolves.toContain('GitHub Actions');
    await screenshot(page, 'tokens');

    const project = new ComposerProject(t.url, ciToken);
    try {
      const install = await project.run('require', 'acme/widget');
      expect(install.code).toBe(0);
      expect(project.installedVersion('acme/widget')).toBe('1.1.0');
    } finally {
      project.remove();
    }
    // Shown once: the list afterwards has the prefix only.
    await page.goto(`${t.url}/portal/tokens`);
    await expect(page.content()).resolves.not.toContain(ciToken);
    await expect(page.content()).resolves.toContain(ciToken.slice(0, 10));
  });

  it('lists the download with the token that made it', async () => {
    await page.click('nav a:has-text("Downloads")');
    const row = await page.locator('table.downloads tbody tr').first().innerText();
    expect(row).toContain('acme/widget');
    expect(row).toContain('1.1.0');
    expect(row).toContain('GitHub Actions');
    await screenshot(page, 'downloads');
  });

  it('revokes the CI token: Composer is refused with it and its own portal session ends', async () => {
    const other = await browser.newContext();
    try {
      const ciPage = await other.newPage();
      await ciPage.goto(`${t.url}/portal`);
      await ciPage.fill('#token', ciToken);
      await ciPage.click('button:has-text("Sign in")');
      await ciPage.waitForURL(`${t.url}/portal/access`);

      await page.goto(`${t.url}/portal/tokens`);
      await page.click('tr:has-text("GitHub Actions") button:has-text("Revoke")');
      await expect(page.locator('.notice').innerText()).resolves.toContain('revoked');
      await expect(page.locator('table.tokens').innerText()).resolves.not.toContain('GitHub Actions');

      await ciPage.reload();
      expect(ciPage.url()).toBe(`${t.url}/portal?notice=ended`);
      await expect(ciPage.locator('.notice').innerText()).resolves.toContain('no longer works');

      const project = new ComposerProject(t.url, ciToken);
      try {
        const refused = await project.run('require', 'acme/widget');
        expect(refused.code).not.toBe(0);
        expect(refused.output).toMatch(/Invalid credentials|401/);
      } finally {
        project.remove();
      }
    } finally {
      await other.close();
    }
  });

  it('tells a suspended customer why, in the sentence Composer shows, never the admin’s reason', async () => {
    await t.admin
      .post(`/api/v1/customers/${customer.id}/suspend`, { reason: 'Card declined, ticket 4242' })
      .expect(200);
    await page.goto(`${t.url}/portal/access`);
    const status = await page.locator('.status').innerText();
    expect(status).toContain('Status: Suspended');
    expect(status).toContain(`Your access to this Composer repository is suspended. ${t.config.accessDeniedContact}`);
    await expect(page.content()).resolves.not.toContain('4242');
    await expect(page.locator('section.package', { hasText: 'acme/widget' }).innerText()).resolves.toContain(
      'No version is installable',
    );
    await screenshot(page, 'suspended');

    const project = new ComposerProject(t.url, customer.token);
    try {
      const refused = await project.run('require', 'acme/widget');
      expect(refused.output).toContain(
        `Your access to this Composer repository is suspended. ${t.config.accessDeniedContact}`,
      );
    } finally {
      project.remove();
    }
    await t.admin.post(`/api/v1/customers/${customer.id}/reactivate`).expect(200);
  });

  it('signs out', async () => {
    await page.click('button:has-text("Sign out")');
    await page.waitForURL(`${t.url}/portal?notice=signed-out`);
    await expect(page.locator('.notice').innerText()).resolves.toBe('You are signed out.');
    await page.goto(`${t.url}/portal/access`);
    expect(page.url()).toBe(`${t.url}/portal`);
  });

  it('works with JavaScript turned off (copy buttons simply do not appear)', async () => {
    const noScript = await browser.newContext({ javaScriptEnabled: false });
    try {
      const plain = await noScript.newPage();
      await plain.goto(`${t.url}/portal`);
      await plain.fill('#token', customer.token);
      await plain.click('button:has-text("Sign in")');
      await plain.waitForURL(`${t.url}/portal/access`);
      await plain.goto(`${t.url}/portal/setup`);
      await expect(plain.locator('#setup-commands').isVisible()).resolves.toBe(true);
      await expect(plain.locator('button[data-copy="setup-commands"]').isVisible()).resolves.toBe(false);
    } finally {
      await noScript.close();
    }
  });

  describe('over plain HTTP', () => {
    it('sends the security headers on every portal page, and leaves Composer and the admin API as they were', async () => {
      for (const path of ['/portal', '/portal/no-such-page', '/portal/assets/portal.js']) {
        const res = await t.http().get(path);
        const csp = res.headers['content-security-policy'];
        expect(csp).toContain("script-src 'self'");
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).not.toContain('unsafe-inline');
        expect(res.headers['x-frame-options']).toBe('DENY');
        expect(res.headers['referrer-policy']).toBe('same-origin');
      }
      const admin = await t.admin.get('/api/v1/customers').expect(200);
      expect(admin.headers['content-security-policy']).toBeUndefined();
      const composer = await t
        .http()
        .get('/packages.json')
        .set('Authorization', `Bearer ${customer.token}`)
        .expect(200);
      expect(composer.headers['content-security-policy']).toBeUndefined();
    });

    it('refuses form posts without the session’s CSRF token', async () => {
      const noCookie = await t.http().post('/portal/sign-in').type('form').send({ token: customer.token });
      expect(noCookie.status).toBe(403);
      expect(noCookie.headers['set-cookie']).toBeUndefined();

      const session = await signedInSession(t, customer.token);
      const before = (await t.admin.get(`/api/v1/customers/${customer.id}/tokens`).expect(200)).body.length;
      const forged = await t
        .http()
        .post('/portal/tokens')
        .set('Cookie', session.cookie)
        .type('form')
        .send({ label: 'attacker' });
      expect(forged.status).toBe(403);
      expect(forged.text).toContain('did not come from this site');
      const wrong = await t
        .http()
        .post('/portal/tokens')
        .set('Cookie', session.cookie)
        .type('form')
        .send({ label: 'attacker', _csrf: 'guess' });
      expect(wrong.status).toBe(403);
      expect((await t.admin.get(`/api/v1/customers/${customer.id}/tokens`).expect(200)).body.length).toBe(before);
      // With the token the same post works.
      await t
        .http()
        .post('/portal/tokens')
        .set('Cookie', session.cookie)
        .type('form')
        .send({ label: 'ok', _csrf: session.csrf })
        .expect(201);
    });

    it('refuses token self-service when the vendor turned it off for the customer', async () => {
      const session = await signedInSession(t, customer.token);
      await t.admin.patch(`/api/v1/customers/${customer.id}`, { portal_token_self_service: false }).expect(200);
      try {
        const listing = await t.http().get('/portal/tokens').set('Cookie', session.cookie).expect(200);
        expect(listing.text).toContain('managed by your vendor');
        expect(listing.text).not.toContain('Create token');
        await t
          .http()
          .post('/portal/tokens')
          .set('Cookie', session.cookie)
          .type('form')
          .send({ label: 'x', _csrf: session.csrf })
          .expect(403);
      } finally {
        await t.admin.patch(`/api/v1/customers/${customer.id}`, { portal_token_self_service: true }).expect(200);
      }
    });

    it('shows a frozen customer the frozen versions and the subscription end date', async () => {
      const frozen = await createCustomer(t, { 'acme/widget': '^1.0' }, 'Initech');
      await t.admin.patch(`/api/v1/customers/${frozen.id}`, { expires_at: '2030-06-30T00:00:00Z' }).expect(200);
      await t.admin
        .post(`/api/v1/customers/${frozen.id}/freeze`, { versions: [{ package: 'acme/widget', version: '1.0.0' }] })
        .expect(200);
      const session = await signedInSession(t, frozen.token);
      const access = await t.http().get('/portal/access').set('Cookie', session.cookie).expect(200);
      expect(access.text).toContain('Status: Frozen');
      expect(access.text).toContain('newer releases are not included');
      expect(access.text).toMatch(/Your subscription ends on <time[^>]*>2030-06-30<\/time>/);
      expect(access.text).toContain('<code>1.0.0</code>');
      expect(access.text).not.toContain('<code>1.1.0</code>');
    });

    it('ends a session after the idle timeout', async () => {
      const session = await signedInSession(t, customer.token);
      await t.http().get('/portal/access').set('Cookie', session.cookie).expect(200);
      t.app.get(Clock).travel(31 * 60_000);
      const idle = await t.http().get('/portal/access').set('Cookie', session.cookie).expect(303);
      expect(idle.headers.location).toBe('/portal?notice=idle');
      const signIn = await t.http().get('/portal?notice=idle').expect(200);
      expect(signIn.text).toContain('signed out after 30 minutes without activity');
    });

    it('limits wrong tokens at sign-in like Composer requests: 429 with Retry-After', async () => {
      const statuses: number[] = [];
      let limited: request.Response | undefined;
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const session = await anonymousSession(t);
        const res = await t
          .http()
          .post('/portal/sign-in')
          .set('Cookie', session.cookie)
          .type('form')
          .send({ token: `tok_portal${'x'.repeat(30)}${attempt}`, _csrf: session.csrf });
        statuses.push(res.status);
        if (res.status === 429) limited = res;
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      expect(Number(limited?.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited?.text).toContain('Too many failed authentication attempts');
      // The real customer signs in meanwhile.
      await signedInSession(t, customer.token);
    });
  });
});

describe('Customer portal with token self-service turned off for everyone', () => {
  let t: TestApp;
  afterAll(() => t.close());

  it('lists tokens but offers no creation or revocation, and refuses the posts', async () => {
    t = await createTestApp({ PORTAL_TOKEN_SELF_SERVICE: 'false' });
    const customer = await createCustomer(t);
    const session = await signedInSession(t, customer.token);
    const listing = await t.http().get('/portal/tokens').set('Cookie', session.cookie).expect(200);
    expect(listing.text).toContain('managed by your vendor');
    expect(listing.text).not.toContain('Revoke');
    await t
      .http()
      .post('/portal/tokens')
      .set('Cookie', session.cookie)
      .type('form')
      .send({ label: 'x', _csrf: session.csrf })
      .expect(403);
    const [token] = (await t.admin.get(`/api/v1/customers/${customer.id}/tokens`).expect(200)).body;
    await t
      .http()
      .post(`/portal/tokens/${token.id}/revoke`)
      .set('Cookie', session.cookie)
      .type('form')
      .send({ _csrf: session.csrf })
      .expect(403);
    await t.admin
      .get(`/api/v1/customers/${customer.id}/tokens`)
      .expect(200)
      .expect((res) => expect(res.body).toHaveLength(1));
  });
});

describe('Customer portal behind https (PUBLIC_URL with a path prefix)', () => {
  let t: TestApp;
  afterAll(() => t.close());

  it('marks the session cookie Secure, scopes it and the links to the public path, and asks for HSTS', async () => {
    t = await createTestApp({ PUBLIC_URL: 'https://packages.example.com/registry' });
    const res = await t.http().get('/portal').expect(200);
    const cookie = (res.headers['set-cookie'] as unknown as string[])[0];
    expect(cookie).toMatch(/; Path=\/registry\/portal; HttpOnly; Secure; SameSite=Lax/);
    expect(res.text).toContain('action="/registry/portal/sign-in"');
    expect(res.text).toContain('href="/registry/portal/assets/portal.css"');
    expect(res.headers['strict-transport-security']).toContain('max-age=');
    expect(res.headers['content-security-policy']).toContain('upgrade-insecure-requests');
  });
});
