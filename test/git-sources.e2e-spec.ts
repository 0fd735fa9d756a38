import { createHmac, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { join } from 'node:path';
import { expandEntries } from '../src/composer-repository/composer-metadata';
import { GitSyncRunner } from '../src/git-sources/git-sync-runner.service';
import { basicAuth, createCustomer, publish } from './helpers/catalog';
import { ComposerProject } from './helpers/composer';
import { GitHttpServer, GitSshServer, libraryFiles, SilentServer, VendorRepo } from './helpers/git';
import { createTestApp, TestApp } from './helpers/test-app';

interface SyncBody {
  id: string;
  status: string;
  error: string | null;
  refs: { ref: string; version: string | null; outcome: string; message: string | null }[];
}

/**
 * Publishing from Git, against real Git: bare repositories over file://, a smart-HTTP server with
 * basic auth, and the real Composer client installing what a sync published.
 */
describe('Publishing from Git', () => {
  let t: TestApp;
  const repos: VendorRepo[] = [];
  const projects: ComposerProject[] = [];

  const vendorRepo = (name?: string) => {
    const repo = new VendorRepo(name);
    repos.push(repo);
    return repo;
  };
  const project = (token: string) => {
    const created = new ComposerProject(t.url, token);
    projects.push(created);
    return created;
  };

  async function waitForSync(repositoryId: string, syncId: string): Promise<SyncBody> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await t.admin.get(`/api/v1/repositories/${repositoryId}/syncs/${syncId}`).expect(200);
      if (res.body.status === 'succeeded' || res.body.status === 'failed') return res.body;
      if (Date.now() > deadline) throw new Error(`sync ${syncId} still ${res.body.status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Waits for the sync queued at creation (or by a webhook) and returns the repository. */
  async function settled(repositoryId: string): Promise<{ last_sync: SyncBody; [key: string]: unknown }> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await t.admin.get(`/api/v1/repositories/${repositoryId}`).expect(200);
      if (res.body.pending_sync === null && res.body.last_sync) return res.body;
      if (Date.now() > deadline) throw new Error(`repository ${repositoryId} never settled`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function syncNow(repositoryId: string): Promise<SyncBody> {
    const res = await t.admin.post(`/api/v1/repositories/${repositoryId}/sync`).expect(202);
    return waitForSync(repositoryId, res.body.id);
  }

  async function versionsOf(name: string): Promise<Record<string, { reference: string; released_at: string }>> {
    const res = await t.admin.get(`/api/v1/packages/${name}`);
    if (res.status === 404) return {};
    const p2 = await t.http().get(`/p2/${name}.json`).set('Authorization', 'Bearer test-admin-token-0123456789abcdef');
    const dev = await t
      .http()
      .get(`/p2/${name}~dev.json`)
      .set('Authorization', 'Bearer test-admin-token-0123456789abcdef');
    const refs: Record<string, string> = {};
    for (const body of [p2.body, dev.body]) {
      let dist: { reference: string } | undefined;
      for (const entry of body?.packages?.[name] ?? []) {
        dist = entry.dist ?? dist;
        refs[entry.version] = dist!.reference;
      }
    }
    return Object.fromEntries(
      res.body.versions.map((v: { version: string; released_at: string }) => [
        v.version,
        { reference: refs[v.version], released_at: v.released_at },
      ]),
    );
  }

  function githubSignature(body: string, secret: string): string {
    return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  }

  beforeAll(async () => {
    t = await createTestApp({ REPOSITORY_SYNC_MINUTES: '0', GIT_TIMEOUT_SECONDS: '10', MAX_ARCHIVE_MB: '1' });
  });
  afterAll(async () => {
    await t.close();
    for (const repo of repos) repo.remove();
    for (const p of projects) p.remove();
  });

  describe('a repository with tags and branches', () => {
    let repo: VendorRepo;
    let repositoryId: string;
    let webhookSecret: string;
    let v100: string;

    beforeAll(async () => {
      repo = vendorRepo('widget');
      repo.commit(
        {
          ...libraryFiles('acme/widget', '1.0.0'),
          '.gitattributes': '/tests export-ignore\n',
          'tests/WidgetTest.php': '<?php // not shipped\n',
        },
        'first release',
        '2024-01-15T10:30:00Z',
      );
      v100 = repo.head();
      repo.tag('v1.0.0', true);
      repo.commit(libraryFiles('acme/widget', '1.1.0'), 'second release', '2024-02-01T08:00:00Z');
      repo.tag('1.1.0');
      repo.tag('not-a-version');
      repo.commit(libraryFiles('acme/widget', 'main'), 'work in progress', '2024-03-01T00:00:00Z');
      repo.checkout('2.x', true);
      repo.commit(libraryFiles('acme/widget', '2.x'), 'next major', '2024-03-02T00:00:00Z');
      repo.checkout('main');
      repo.push();

      const res = await t.admin.post('/api/v1/repositories', { url: repo.fileUrl }).expect(201);
      repositoryId = res.body.id;
      webhookSecret = res.body.webhook_secret;
      expect(res.body).toMatchObject({
        url: repo.fileUrl,
        package: 'acme/widget',
        default_branch: 'main',
        credentials: null,
      });
      expect(webhookSecret).toMatch(/^whs_/);
      expect(res.body.webhook_url).toBe(`${t.url}/webhooks/git/${repositoryId}`);
    });

    it("publishes tags as releases and branches as dev versions, by Composer's rules", async () => {
      const repository = await settled(repositoryId);
      expect(repository.last_sync.status).toBe('succeeded');
      expect(repository.last_sync.refs).toEqual(
        expect.arrayContaining([
          { ref: 'refs/tags/v1.0.0', version: 'v1.0.0', outcome: 'published', message: null },
          { ref: 'refs/tags/1.1.0', version: '1.1.0', outcome: 'published', message: null },
          { ref: 'refs/heads/main', version: 'dev-main', outcome: 'published', message: null },
          { ref: 'refs/heads/2.x', version: '2.x-dev', outcome: 'published', message: null },
          expect.objectContaining({
            ref: 'refs/tags/not-a-version',
            outcome: 'skipped',
            message: expect.stringContaining('not a Composer version'),
          }),
        ]),
      );
      const versions = await versionsOf('acme/widget');
      expect(Object.keys(versions).sort()).toEqual(['1.1.0', '2.x-dev', 'dev-main', 'v1.0.0']);
      expect(versions['v1.0.0'].reference).toBe(v100);
      expect(versions['v1.0.0'].released_at).toBe('2024-01-15T10:30:00.000Z');
      const detail = (await t.admin.get('/api/v1/packages/acme/widget').expect(200)).body;
      expect(detail.repository_id).toBe(repositoryId);
      expect(detail.versions.find((v: { version: string }) => v.version === 'dev-main')).toMatchObject({
        default_branch: true,
        git_reference: repo.head(),
      });
      expect(repository).not.toHaveProperty('webhook_secret');
    });

    it('shows a customer the same versions Composer itself reads from the repository as a vcs repository', async () => {
      await settled(repositoryId);
      const { token } = await createCustomer(t, { 'acme/widget': '*' });
      const viaPackyard = await project(token).availableVersions('acme/widget');
      const vcs = new ComposerProject(t.url, null, {
        repositories: [{ type: 'vcs', url: repo.fileUrl }, { 'packagist.org': false }],
      });
      projects.push(vcs);
      const viaVcs = await vcs.availableVersions('acme/widget');
      expect(viaPackyard.sort()).toEqual(viaVcs.sort());
      expect(viaPackyard.sort()).toEqual(['1.1.0', '2.x-dev', 'dev-main', 'v1.0.0']);
    });

    it('dates releases by their commit, so a subscription end freezes to what was released before it', async () => {
      await settled(repositoryId);
      const res = await t.admin
        .post('/api/v1/customers', { name: 'Lapsed', email: 'l@acme.test', expires_at: '2024-01-20T00:00:00Z' })
        .expect(201);
      await t.admin
        .post(`/api/v1/customers/${res.body.id}/packages`, { package: 'acme/widget', constraint: '*' })
        .expect(201);
      const p2 = await t.http().get('/p2/acme/widget.json').set('Authorization', basicAuth(res.body.token)).expect(200);
      expect(expandEntries(p2.body.packages['acme/widget']).map((entry) => entry.version)).toEqual(['v1.0.0']);
    });

    it('marks the default branch and never shows the repository URL to a customer', async () => {
      const { token } = await createCustomer(t, { 'acme/widget': '*' });
      const dev = await t.http().get('/p2/acme/widget~dev.json').set('Authorization', basicAuth(token)).expect(200);
      const entries = expandEntries(dev.body.packages['acme/widget']);
      expect(entries.find((entry) => entry.version === 'dev-main')).toMatchObject({ 'default-branch': true });
      expect(entries.find((entry) => entry.version === '2.x-dev')).not.toHaveProperty('default-branch');
      const stable = await t.http().get('/p2/acme/widget.json').set('Authorization', basicAuth(token)).expect(200);
      for (const text of [dev.text, stable.text]) {
        expect(text).not.toContain(repo.bare);
        expect(text).not.toContain('"source"');
      }
    });

    it('lets the real Composer client install a tagged version (without export-ignored files) and dev-main', async () => {
      const { token } = await createCustomer(t, { 'acme/widget': '*' });
      const tagged = project(token);
      const result = await tagged.run('require', 'acme/widget:^1.0');
      expect(result.code).toBe(0);
      expect(tagged.installedVersion('acme/widget')).toBe('1.1.0');
      expect(tagged.readFile('vendor/acme/widget/src/Widget.php')).toContain("MARKER = '1.1.0'");
      expect(result.output).not.toContain(repo.bare);

      const old = project(token);
      expect((await old.run('require', 'acme/widget:1.0.0')).code).toBe(0);
      expect(existsSync(join(old.dir, 'vendor/acme/widget/src/Widget.php'))).toBe(true);
      expect(existsSync(join(old.dir, 'vendor/acme/widget/tests'))).toBe(false);

      const dev = project(token);
      const devResult = await dev.run('require', 'acme/widget:dev-main');
      expect(devResult.code).toBe(0);
      expect(dev.installedVersion('acme/widget')).toBe('dev-main');
      expect(dev.readFile('vendor/acme/widget/src/Widget.php')).toContain("MARKER = 'main'");
    });

    it('makes a pushed tag installable after a signed GitHub push webhook', async () => {
      repo.commit(libraryFiles('acme/widget', '1.2.0'), 'third release', '2024-04-01T00:00:00Z');
      repo.tag('v1.2.0');
      repo.push();
      const payload = JSON.stringify({ ref: 'refs/tags/v1.2.0', repository: { full_name: 'acme/widget' } });
      const res = await t
        .http()
        .post(`/webhooks/git/${repositoryId}`)
        .set('Content-Type', 'application/json')
        .set('X-GitHub-Event', 'push')
        .set('X-Hub-Signature-256', githubSignature(payload, webhookSecret))
        .send(payload)
        .expect(202);
      expect(res.body.received).toBe(true);
      const sync = await waitForSync(repositoryId, res.body.sync_id);
      expect(sync.refs).toContainEqual({
        ref: 'refs/tags/v1.2.0',
        version: 'v1.2.0',
        outcome: 'published',
        message: null,
      });

      const { token } = await createCustomer(t, { 'acme/widget': '^1.0' });
      const consumer = project(token);
      expect((await consumer.run('require', 'acme/widget')).code).toBe(0);
      expect(consumer.installedVersion('acme/widget')).toBe('v1.2.0');
    });

    it('refuses a webhook with a wrong or missing signature with 401, and syncs nothing', async () => {
      const before = (await t.admin.get(`/api/v1/repositories/${repositoryId}`)).body.last_sync.id;
      const payload = '{"ref":"refs/heads/main"}';
      const wrong = await t
        .http()
        .post(`/webhooks/git/${repositoryId}`)
        .set('Content-Type', 'application/json')
        .set('X-Hub-Signature-256', githubSignature(payload, 'not-the-secret'))
        .send(payload)
        .expect(401);
      expect(wrong.body.error).toBe('invalid_signature');
      await t
        .http()
        .post(`/webhooks/git/${repositoryId}`)
        .set('Content-Type', 'application/json')
        .send(payload)
        .expect(401);
      const after = (await t.admin.get(`/api/v1/repositories/${repositoryId}`)).body;
      expect(after.pending_sync).toBeNull();
      expect(after.last_sync.id).toBe(before);
    });

    it('accepts GitLab, Bitbucket Cloud and Gitea deliveries signed their own way', async () => {
      const payload = '{"ref":"refs/heads/main"}';
      const hmac = createHmac('sha256', webhookSecret).update(payload).digest('hex');
      const deliveries: Record<string, string>[] = [
        { 'X-Gitlab-Token': webhookSecret, 'X-Gitlab-Event': 'Push Hook' },
        { 'X-Hub-Signature': `sha256=${hmac}`, 'X-Event-Key': 'repo:push' },
        { 'X-Gitea-Signature': hmac, 'X-Gitea-Event': 'push' },
      ];
      for (const headers of deliveries) {
        const res = await t
          .http()
          .post(`/webhooks/git/${repositoryId}`)
          .set('Content-Type', 'application/json')
          .set(headers)
          .send(payload);
        expect(res.status).toBe(202);
        await waitForSync(repositoryId, res.body.sync_id);
      }
      await t
        .http()
        .post(`/webhooks/git/${repositoryId}`)
        .set('Content-Type', 'application/json')
        .set('X-Gitlab-Token', 'wrong')
        .send(payload)
        .expect(401);
    });

    it('verifies GitHub form-encoded deliveries over their exact bytes, and answers a ping without syncing', async () => {
      const form = `payload=${encodeURIComponent('{"ref":"refs/heads/main"}')}`;
      const formDelivery = await t
        .http()
        .post(`/webhooks/git/${repositoryId}`)
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .set('X-GitHub-Event', 'push')
        .set('X-Hub-Signature-256', githubSignature(form, webhookSecret))
        .send(form)
        .expect(202);
      await waitForSync(repositoryId, formDelivery.body.sync_id);

      const ping = '{"zen":"Keep it logically awesome.","hook_id":1}';
      const res = await t
        .http()
        .post(`/webhooks/git/${repositoryId}`)
        .set('Content-Type', 'application/json')
        .set('X-GitHub-Event', 'ping')
        .set('X-Hub-Signature-256', githubSignature(ping, webhookSecret))
        .send(ping)
        .expect(202);
      expect(res.body).toEqual({ received: true, sync_id: null });
      expect((await t.admin.get(`/api/v1/repositories/${repositoryId}`)).body.pending_sync).toBeNull();
    });

    it('follows a moved tag with a new archive and reference, and removes a deleted tag', async () => {
      const before = await versionsOf('acme/widget');
      repo.commit(libraryFiles('acme/widget', '1.2.0-fixed'), 'fix the release', '2024-04-02T00:00:00Z');
      repo.moveTag('v1.2.0');
      repo.deleteTag('1.1.0');
      const sync = await syncNow(repositoryId);
      expect(sync.status).toBe('succeeded');
      expect(sync.refs).toContainEqual({
        ref: 'refs/tags/v1.2.0',
        version: 'v1.2.0',
        outcome: 'updated',
        message: null,
      });
      expect(sync.refs).toContainEqual(expect.objectContaining({ version: '1.1.0', outcome: 'removed' }));

      const after = await versionsOf('acme/widget');
      expect(after['v1.2.0'].reference).toBe(repo.head());
      expect(after['v1.2.0'].reference).not.toBe(before['v1.2.0'].reference);
      expect(after['v1.2.0'].released_at).toBe('2024-04-02T00:00:00.000Z');
      expect(after['1.1.0']).toBeUndefined();
      expect(after['v1.0.0'].reference).toBe(before['v1.0.0'].reference);

      const { token } = await createCustomer(t, { 'acme/widget': '^1.0' });
      const consumer = project(token);
      expect((await consumer.run('require', 'acme/widget')).code).toBe(0);
      expect(consumer.readFile('vendor/acme/widget/src/Widget.php')).toContain("MARKER = '1.2.0-fixed'");
      const shown = await consumer.availableVersions('acme/widget');
      expect(shown).toEqual(['v1.2.0', 'v1.0.0']);
    });

    it('replaces the webhook secret on request: the old one stops working at once', async () => {
      const rotated = await t.admin.post(`/api/v1/repositories/${repositoryId}/webhook-secret`).expect(201);
      expect(rotated.body).toMatchObject({
        repository_id: repositoryId,
        webhook_url: `${t.url}/webhooks/git/${repositoryId}`,
      });
      expect(rotated.body.webhook_secret).not.toBe(webhookSecret);
      const payload = '{"ref":"refs/heads/main"}';
      const send = (secret: string) =>
        t
          .http()
          .post(`/webhooks/git/${repositoryId}`)
          .set('Content-Type', 'application/json')
          .set('X-Hub-Signature-256', githubSignature(payload, secret))
          .send(payload);
      expect((await send(webhookSecret)).status).toBe(401);
      const accepted = await send(rotated.body.webhook_secret);
      expect(accepted.status).toBe(202);
      await waitForSync(repositoryId, accepted.body.sync_id);
      webhookSecret = rotated.body.webhook_secret;
    });

    it('refuses an upload to a package that comes from Git, and a second repository with the same package', async () => {
      await expect(publish(t, 'acme/widget', '9.0.0')).rejects.toThrow(/409.*package_source_conflict/);
      const clone = vendorRepo('widget-fork');
      clone.commit(libraryFiles('acme/widget', 'fork'));
      clone.push();
      const res = await t.admin.post('/api/v1/repositories', { url: clone.fileUrl }).expect(409);
      expect(res.body.error).toBe('package_name_taken');
    });
  });

  describe('bad refs and bad input', () => {
    it('reports each bad ref with its reason, keeps the previous version of a tag moved to a broken commit, and publishes the rest', async () => {
      const repo = vendorRepo('gadget');
      repo.commit(libraryFiles('acme/gadget', '1.0.0'), 'one', '2024-01-01T00:00:00Z');
      repo.tag('v1.0.0');
      const good = repo.head();
      repo.commit(libraryFiles('acme/gadget', '1.1.0', { version: '1.0.5' }), 'wrong version field');
      repo.tag('v1.1.0');
      repo.commit(libraryFiles('acme/other', '1.2.0'), 'renamed');
      repo.tag('v1.2.0');
      repo.commit({ 'composer.json': '{"name": "acme/gadget",' }, 'broken json');
      repo.tag('v1.3.0');
      repo.commit({ 'composer.json': null }, 'no composer.json');
      repo.tag('v1.4.0');
      repo.checkout('bad%name', true);
      repo.checkout('main');
      repo.commit(
        { 'big.bin': randomBytes(1_500_000).toString('base64'), ...libraryFiles('acme/gadget', 'big') },
        'too big',
      );
      repo.tag('v1.5.0');
      repo.commit({ 'big.bin': null, ...libraryFiles('acme/gadget', 'main') }, 'main again');
      repo.push();

      const created = await t.admin.post('/api/v1/repositories', { url: repo.fileUrl }).expect(201);
      const id = created.body.id;
      const { last_sync: sync } = await settled(id);
      expect(sync.status).toBe('succeeded');
      const outcome = (ref: string) => sync.refs.find((r) => r.ref === ref);
      expect(outcome('refs/tags/v1.0.0')).toMatchObject({ outcome: 'published' });
      expect(outcome('refs/tags/v1.1.0')).toMatchObject({
        outcome: 'skipped',
        message: expect.stringContaining('does not match the version'),
      });
      expect(outcome('refs/tags/v1.2.0')).toMatchObject({
        outcome: 'skipped',
        message: expect.stringContaining('"acme/other"'),
      });
      expect(outcome('refs/tags/v1.3.0')).toMatchObject({
        outcome: 'failed',
        message: expect.stringContaining('invalid JSON'),
      });
      expect(outcome('refs/tags/v1.4.0')).toMatchObject({
        outcome: 'skipped',
        message: expect.stringContaining('no composer.json'),
      });
      expect(outcome('refs/tags/v1.5.0')).toMatchObject({
        outcome: 'failed',
        message: expect.stringContaining('MAX_ARCHIVE_MB'),
      });
      expect(outcome('refs/heads/bad%name')).toMatchObject({
        outcome: 'skipped',
        message: expect.stringContaining('unsafe branch name'),
      });
      expect(Object.keys(await versionsOf('acme/gadget')).sort()).toEqual(['dev-main', 'v1.0.0']);

      // v1.0.0 moved onto the broken commit: the published version stays as it was.
      repo.checkout('main');
      repo.git(repo.work, 'tag', '-f', 'v1.0.0', 'v1.3.0');
      repo.git(repo.work, 'push', '--quiet', '--force', 'origin', 'refs/tags/v1.0.0');
      const again = await syncNow(id);
      expect(again.refs.find((r) => r.ref === 'refs/tags/v1.0.0')).toMatchObject({
        outcome: 'failed',
        message: expect.stringContaining('previous version is kept'),
      });
      expect((await versionsOf('acme/gadget'))['v1.0.0'].reference).toBe(good);
    });

    it('refuses repositories it cannot publish with a 4xx naming the problem, keeping nothing', async () => {
      const empty = vendorRepo('no-composer');
      empty.commit({ 'README.md': 'hello' });
      empty.push();
      const missing = await t.admin.post('/api/v1/repositories', { url: empty.fileUrl }).expect(422);
      expect(missing.body.error).toBe('composer_json_missing');

      await publish(t, 'acme/uploaded', '1.0.0');
      const uploaded = vendorRepo('uploaded');
      uploaded.commit(libraryFiles('acme/uploaded', 'git'));
      uploaded.push();
      const taken = await t.admin.post('/api/v1/repositories', { url: uploaded.fileUrl }).expect(409);
      expect(taken.body).toMatchObject({ error: 'package_name_taken', message: expect.stringContaining('by upload') });

      const ext = await t.admin.post('/api/v1/repositories', { url: 'ext::sh -c touch% /tmp/pwned' }).expect(422);
      expect(ext.body.error).toBe('invalid_repository_url');
      const inUrl = await t.admin
        .post('/api/v1/repositories', { url: 'https://user:secret@git.example.com/x.git' })
        .expect(422);
      expect(inUrl.body.message).toContain('credentials');
      const wrongKind = await t.admin
        .post('/api/v1/repositories', { url: empty.fileUrl, credentials: { password: 'x' } })
        .expect(400);
      expect(wrongKind.body.error).toBe('invalid_credentials');
      const unreachable = await t.admin
        .post('/api/v1/repositories', { url: `file://${empty.root}/nothing-here.git` })
        .expect(422);
      expect(unreachable.body.error).toBe('repository_unreachable');

      expect(
        (await t.admin.get('/api/v1/repositories')).body.data.map((r: { package: string }) => r.package),
      ).not.toContain('acme/uploaded');
    });

    it('gives up on a host that never answers after GIT_TIMEOUT_SECONDS, with a clear error', async () => {
      const silent = new SilentServer();
      await silent.start();
      try {
        const started = Date.now();
        const res = await t.admin.post('/api/v1/repositories', { url: `${silent.url}/acme/hang.git` }).expect(422);
        expect(res.body).toMatchObject({
          error: 'repository_unreachable',
          message: expect.stringContaining('git ls-remote did not finish within 10 s'),
        });
        expect(Date.now() - started).toBeLessThan(30_000);
      } finally {
        await silent.stop();
      }
    });
  });

  describe('over HTTPS-style smart HTTP with basic auth', () => {
    let server: GitHttpServer;
    let repo: VendorRepo;

    beforeAll(async () => {
      repo = vendorRepo('private');
      repo.commit(libraryFiles('acme/private', '1.0.0'), 'one', '2024-05-01T00:00:00Z');
      repo.tag('1.0.0');
      repo.push();
      server = new GitHttpServer(join(repo.root, 'remote'), 'deploy', 's3cret-token');
      await server.start();
    });
    afterAll(() => server.stop().catch(() => undefined));

    it('syncs with stored credentials it never shows, and reports wrong credentials as a sync error', async () => {
      const url = `${server.url}/private.git`;
      const refused = await t.admin
        .post('/api/v1/repositories', { url, credentials: { username: 'deploy', password: 'wrong' } })
        .expect(422);
      expect(refused.body.error).toBe('repository_unreachable');
      expect(JSON.stringify(refused.body)).not.toContain('wrong');

      const created = await t.admin
        .post('/api/v1/repositories', { url, credentials: { username: 'deploy', password: 's3cret-token' } })
        .expect(201);
      expect(JSON.stringify(created.body)).not.toContain('s3cret-token');
      expect(created.body.credentials).toBe('password');
      const id = created.body.id;
      const repository = await settled(id);
      expect(repository.last_sync.status).toBe('succeeded');
      expect(JSON.stringify(repository)).not.toContain('s3cret-token');
      expect(Object.keys(await versionsOf('acme/private'))).toEqual(expect.arrayContaining(['1.0.0', 'dev-main']));

      await t.admin
        .patch(`/api/v1/repositories/${id}`, { credentials: { username: 'deploy', password: 'revoked' } })
        .expect(200);
      repo.commit(libraryFiles('acme/private', '1.1.0'));
      repo.tag('1.1.0');
      repo.push();
      const failed = await syncNow(id);
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(
        /fetch failed, previous versions kept: .*(401|Authentication failed|could not read Username)/i,
      );
      expect(Object.keys(await versionsOf('acme/private'))).toEqual(expect.arrayContaining(['1.0.0', 'dev-main']));

      await t.admin
        .patch(`/api/v1/repositories/${id}`, { credentials: { username: 'deploy', password: 's3cret-token' } })
        .expect(200);
      const fixed = await syncNow(id);
      expect(fixed.status).toBe('succeeded');
      expect(Object.keys(await versionsOf('acme/private'))).toContain('1.1.0');

      const [row] = await t.app
        .get(DataSource)
        .query('SELECT credentials_sealed, webhook_secret_sealed FROM git_sources WHERE id = $1', [id]);
      expect(row.credentials_sealed).toMatch(/^v1:/);
      expect(JSON.stringify(row)).not.toContain('s3cret-token');
      expect(row.webhook_secret_sealed).not.toContain(created.body.webhook_secret);

      // The host starts hanging: the sync fails after GIT_TIMEOUT_SECONDS, is not left running, and the versions stay.
      const port = Number(new URL(server.url).port);
      await server.stop();
      const silent = new SilentServer();
      await silent.start(port);
      try {
        const hung = await syncNow(id);
        expect(hung).toMatchObject({
          status: 'failed',
          error: expect.stringContaining('git ls-remote did not finish within 10 s'),
        });
        expect((await t.admin.get(`/api/v1/repositories/${id}`)).body.pending_sync).toBeNull();
        expect(Object.keys(await versionsOf('acme/private'))).toEqual(
          expect.arrayContaining(['1.0.0', '1.1.0', 'dev-main']),
        );
      } finally {
        await silent.stop();
      }
    });
  });

  describe('over SSH with a deploy key', () => {
    let server: GitSshServer;
    beforeAll(async () => {
      server = new GitSshServer();
      await server.start();
    });
    afterAll(() => server.stop());

    it('fetches with the stored key, and reports a refused key as a sync error', async () => {
      const repo = vendorRepo('over-ssh');
      repo.commit(libraryFiles('acme/over-ssh', '1.0.0'));
      repo.tag('v1.0.0');
      repo.push();
      const url = server.url(repo.bare);
      const created = await t.admin
        .post('/api/v1/repositories', { url, credentials: { ssh_key: server.privateKey } })
        .expect(201);
      expect(JSON.stringify(created.body)).not.toContain('PRIVATE KEY');
      expect(created.body.credentials).toBe('ssh_key');
      const repository = await settled(created.body.id);
      expect(repository.last_sync.status).toBe('succeeded');
      expect(Object.keys(await versionsOf('acme/over-ssh'))).toEqual(expect.arrayContaining(['v1.0.0', 'dev-main']));

      const stranger = new GitSshServer();
      await stranger.start();
      await stranger.stop();
      await t.admin
        .patch(`/api/v1/repositories/${created.body.id}`, { credentials: { ssh_key: stranger.privateKey } })
        .expect(200);
      const failed = await syncNow(created.body.id);
      expect(failed.status).toBe('failed');
      expect(failed.error).toContain('Permission denied');
    });
  });

  it('documents the repository API and the push webhook in Swagger', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/repositories',
        '/api/v1/repositories/{id}',
        '/api/v1/repositories/{id}/sync',
        '/api/v1/repositories/{id}/syncs/{syncId}',
        '/api/v1/repositories/{id}/webhook-secret',
        '/webhooks/git/{id}',
      ]),
    );
  });

  describe('triggers and removal', () => {
    it('catches a push whose webhook never arrived with the periodic sync, fetching into the mirror under DATA_DIR', async () => {
      const repo = vendorRepo('missed');
      repo.commit(libraryFiles('acme/missed', '1.0.0'));
      repo.tag('1.0.0');
      repo.push();
      const id = (await t.admin.post('/api/v1/repositories', { url: repo.fileUrl }).expect(201)).body.id;
      await settled(id);
      const mirror = join(t.config.dataDir, 'repositories', `${id}.git`);
      expect(repo.git(repo.root, '--git-dir', mirror, 'rev-parse', 'refs/tags/1.0.0^{commit}').trim()).toBe(
        repo.head(),
      );

      repo.commit(libraryFiles('acme/missed', '1.1.0'));
      repo.tag('1.1.0');
      repo.push();
      await t.app.get(GitSyncRunner).syncAll();
      const repository = await settled(id);
      expect(repository.last_sync).toMatchObject({ trigger: 'schedule', status: 'succeeded' });
      expect(Object.keys(await versionsOf('acme/missed'))).toContain('1.1.0');
    });

    it('coalesces a burst of sync requests into one queued sync, and deleting the repository removes its package', async () => {
      const repo = vendorRepo('burst');
      repo.commit(libraryFiles('acme/burst', '1.0.0'));
      repo.tag('1.0.0');
      repo.push();
      const created = await t.admin.post('/api/v1/repositories', { url: repo.fileUrl }).expect(201);
      const id = created.body.id;
      const ids = new Set<string>();
      for (let i = 0; i < 5; i += 1)
        ids.add((await t.admin.post(`/api/v1/repositories/${id}/sync`).expect(202)).body.id);
      // The first sync (queued at creation) may already run; every later request joins one queued sync.
      expect(ids.size).toBeLessThanOrEqual(2);
      await settled(id);
      expect(Object.keys(await versionsOf('acme/burst'))).toEqual(expect.arrayContaining(['1.0.0']));

      const cleared = await t.admin.patch(`/api/v1/repositories/${id}`, { credentials: null }).expect(200);
      expect(cleared.body.credentials).toBeNull();
      const missing = await t.admin.patch(`/api/v1/repositories/${id}`, {}).expect(400);
      expect(missing.body.error).toBe('validation_failed');
      const both = await t.admin
        .patch(`/api/v1/repositories/${id}`, { credentials: { password: 'a', ssh_key: 'b' } })
        .expect(400);
      expect(both.body.error).toBe('validation_failed');

      await t.admin.delete(`/api/v1/repositories/${id}`).expect(204);
      await t.admin.get('/api/v1/packages/acme/burst').expect(404);
      await t.admin.get(`/api/v1/repositories/${id}`).expect(404);
      expect(existsSync(join(t.config.dataDir, 'repositories', `${id}.git`))).toBe(false);
    });
  });
});
