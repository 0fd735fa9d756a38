import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ChangeBus } from '../src/changes/change-bus.service';
import { ChangeKeys } from '../src/changes/change-keys';
import { ADMIN_TOKEN, createTestApp, TestApp } from './helpers/test-app';
import {
  buildZip,
  declaredSizeBomb,
  manyEntries,
  notAZip,
  packageZip,
  rawZip,
  validComposerJson,
  zerosBomb,
  zipWithEntry,
} from './helpers/zip';

const MAX_ARCHIVE_MB = 5;
const MB = 1024 * 1024;
const sha1 = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex');

describe('Package catalog (admin API)', () => {
  let t: TestApp;
  let db: DataSource;
  let archivesDir: string;

  beforeAll(async () => {
    t = await createTestApp({ MAX_ARCHIVE_MB: String(MAX_ARCHIVE_MB) });
    db = t.app.get(DataSource);
    archivesDir = join(t.config.dataDir, 'archives');
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.reset();
    rmSync(archivesDir, { recursive: true, force: true });
  });

  function upload(archive: Buffer | undefined, fields: Record<string, string> = {}, fileField = 'archive') {
    let test = t.http().post('/api/v1/packages').set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    for (const [name, value] of Object.entries(fields)) test = test.field(name, value);
    return archive
      ? test.attach(fileField, archive, { filename: 'package.zip', contentType: 'application/zip' })
      : test;
  }

  /** Every file under DATA_DIR/archives, as paths relative to it. */
  function storedFiles(): string[] {
    if (!existsSync(archivesDir)) return [];
    return readdirSync(archivesDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(archivesDir.length + 1))
      .sort();
  }

  async function versionRows(): Promise<number> {
    const [{ count }] = await db.query('SELECT count(*)::int AS count FROM package_versions');
    return count;
  }

  async function packageRows(): Promise<number> {
    const [{ count }] = await db.query('SELECT count(*)::int AS count FROM packages');
    return count;
  }

  const composerJson = {
    name: 'acme/widget',
    description: 'Widgets for everyone',
    type: 'library',
    license: 'MIT',
    require: { php: '>=8.1', 'psr/log': '^3.0' },
    autoload: { 'psr-4': { 'Acme\\Widget\\': 'src/' } },
  };

  describe('publishing', () => {
    it('publishes a zip with composer.json at the root and answers the version record', async () => {
      const archive = await packageZip(composerJson);
      const before = Date.now();
      const res = await upload(archive, { version: '1.0.0' }).expect(201);
      expect(res.body).toMatchObject({
        package: 'acme/widget',
        version: '1.0.0',
        version_normalized: '1.0.0.0',
        is_dev: false,
        shasum: sha1(archive),
        size_bytes: archive.length,
        composer_json: composerJson,
      });
      expect(res.body.id).toMatch(/^ver_[0-9A-Za-z]{20}$/);
      expect(new Date(res.body.released_at).getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(storedFiles()).toEqual([`acme/widget/${res.body.id}.zip`]);
      expect(readFileSync(join(archivesDir, 'acme', 'widget', `${res.body.id}.zip`)).equals(archive)).toBe(true);
    });

    it('publishes a zip with a single top-level folder, the version from composer.json and a release time', async () => {
      const archive = await packageZip({ ...composerJson, version: 'v2.1.0' }, { folder: 'acme-widget-9f8e7d6' });
      const res = await upload(archive, { released_at: '2024-01-15T10:30:00+02:00' }).expect(201);
      expect(res.body).toMatchObject({ version: 'v2.1.0', version_normalized: '2.1.0.0', shasum: sha1(archive) });
      expect(res.body.released_at).toBe('2024-01-15T08:30:00.000Z');
      expect(res.body.composer_json.version).toBe('v2.1.0');
    });

    it.each([
      ['1.2', '1.2.0.0', false],
      ['1.0.0-beta2', '1.0.0.0-beta2', false],
      ['3.0.0-RC1', '3.0.0.0-RC1', false],
      ['dev-main', 'dev-main', true],
      ['2.x-dev', '2.9999999.9999999.9999999-dev', true],
    ])('normalizes %p to %p like Composer (dev: %p)', async (version, normalized, isDev) => {
      const res = await upload(await packageZip(composerJson), { version }).expect(201);
      expect(res.body).toMatchObject({ version, version_normalized: normalized, is_dev: isDev });
    });

    it('accepts the form version when it agrees with composer.json', async () => {
      const res = await upload(await packageZip({ ...composerJson, version: '1.5.0' }), { version: 'v1.5' }).expect(
        201,
      );
      expect(res.body).toMatchObject({ version: 'v1.5', version_normalized: '1.5.0.0' });
    });

    it('answers 409 when the same normalized version is published again, keeping the first', async () => {
      const first = await upload(await packageZip(composerJson), { version: '1.0.0' }).expect(201);
      for (const version of ['1.0.0', 'v1.0.0', '1.0.0.0', '1.0']) {
        const res = await upload(await packageZip({ ...composerJson, description: 'changed' }), { version }).expect(
          409,
        );
        expect(res.body).toMatchObject({ statusCode: 409, error: 'version_exists' });
        expect(res.body.message).toContain('acme/widget');
      }
      expect(await versionRows()).toBe(1);
      expect(storedFiles()).toEqual([`acme/widget/${first.body.id}.zip`]);
    });

    it('lets concurrent publishes of one new version end in one 201 and 409s, never a 500', async () => {
      const archives = await Promise.all(
        [1, 2, 3, 4, 5].map((n) => packageZip({ ...composerJson, description: `build ${n}` })),
      );
      const results = await Promise.all(archives.map((archive) => upload(archive, { version: '1.0.0' })));
      expect(results.map((res) => res.status).sort()).toEqual([201, 409, 409, 409, 409]);
      expect(await versionRows()).toBe(1);
      expect(storedFiles()).toHaveLength(1);
    });

    it('publishes different versions of one package concurrently', async () => {
      const results = await Promise.all(
        ['1.0.0', '1.1.0', '1.2.0', '2.0.0'].map(async (version) =>
          upload(await packageZip(composerJson), { version }),
        ),
      );
      expect(results.map((res) => res.status)).toEqual([201, 201, 201, 201]);
      expect(await packageRows()).toBe(1);
      expect(storedFiles()).toHaveLength(4);
    });

    it('invalidates the caches of exactly the published package', async () => {
      const seen: ChangeKeys[] = [];
      t.app.get(ChangeBus).subscribe((keys) => seen.push(keys));
      await upload(await packageZip(composerJson), { version: '1.0.0' }).expect(201);
      expect(
        seen.map((keys) => ({ all: keys.all, customers: [...keys.customers], packages: [...keys.packages] })),
      ).toEqual([{ all: false, customers: [], packages: [composerJson.name] }]);
    });

    it('removes the stored archive when the database refuses the row', async () => {
      await db.query(
        `CREATE FUNCTION refuse_versions() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`,
      );
      await db.query(
        `CREATE TRIGGER refuse_versions BEFORE INSERT ON package_versions FOR EACH ROW EXECUTE FUNCTION refuse_versions()`,
      );
      try {
        const res = await upload(await packageZip(composerJson), { version: '1.0.0' }).expect(500);
        expect(res.body).toEqual({ statusCode: 500, error: 'internal_error', message: 'Internal server error' });
      } finally {
        await db.query('DROP TRIGGER refuse_versions ON package_versions');
        await db.query('DROP FUNCTION refuse_versions()');
      }
      expect(storedFiles()).toEqual([]);
      expect(await packageRows()).toBe(0);
    });
  });

  describe('refusing uploads, leaving no row and no file', () => {
    afterEach(async () => {
      expect(await versionRows()).toBe(0);
      expect(await packageRows()).toBe(0);
      expect(storedFiles()).toEqual([]);
    });

    const withName = (json: object) => packageZip(json);
    const cases: [string, () => Promise<Buffer | undefined>, Record<string, string>, number, string][] = [
      ['no archive', async () => undefined, { version: '1.0.0' }, 400, 'archive_missing'],
      ['a file that is not a zip', async () => notAZip(), { version: '1.0.0' }, 422, 'archive_not_zip'],
      [
        'a zip without composer.json',
        () => buildZip({ 'README.md': '# Widget', 'src/A.php': '<?php' }),
        { version: '1.0.0' },
        422,
        'composer_json_missing',
      ],
      [
        'composer.json nested too deep',
        () => buildZip({ 'a/b/composer.json': validComposerJson() }),
        { version: '1.0.0' },
        422,
        'composer_json_missing',
      ],
      [
        'composer.json that is not JSON',
        () => packageZip('{"name": "acme/widget",'),
        { version: '1.0.0' },
        422,
        'composer_json_invalid',
      ],
      [
        'composer.json that is not an object',
        () => packageZip('"acme/widget"'),
        { version: '1.0.0' },
        422,
        'composer_json_invalid',
      ],
      [
        'composer.json without a name',
        () => withName({ description: 'x' }),
        { version: '1.0.0' },
        422,
        'package_name_missing',
      ],
      [
        'composer.json with an invalid name',
        () => withName({ name: 'Acme/Widget' }),
        { version: '1.0.0' },
        422,
        'package_name_invalid',
      ],
      [
        'an entry named ../evil.php',
        async () => zipWithEntry('../evil.php'),
        { version: '1.0.0' },
        422,
        'archive_unsafe_path',
      ],
      [
        'an entry named src/../../evil.php',
        async () => zipWithEntry('src/../../evil.php'),
        { version: '1.0.0' },
        422,
        'archive_unsafe_path',
      ],
      [
        'an absolute entry name',
        async () => zipWithEntry('/var/www/evil.php'),
        { version: '1.0.0' },
        422,
        'archive_unsafe_path',
      ],
      [
        'a Windows drive entry name',
        async () => zipWithEntry('C:\\evil.php'),
        { version: '1.0.0' },
        422,
        'archive_unsafe_path',
      ],
      [
        'a traversal only in the local header',
        async () => zipWithEntry('src/ok.php', { localName: '../ok.php' }),
        { version: '1.0.0' },
        422,
        'archive_unsafe_path',
      ],
      [
        'a zip bomb by declared size',
        async () => declaredSizeBomb(20 * MAX_ARCHIVE_MB * MB + 1),
        { version: '1.0.0' },
        422,
        'archive_zip_bomb',
      ],
      [
        'a zip bomb of real zeros',
        async () => zerosBomb(20 * MAX_ARCHIVE_MB * MB + MB),
        { version: '1.0.0' },
        422,
        'archive_zip_bomb',
      ],
      ['a zip with 50,001 entries', async () => manyEntries(50_001), { version: '1.0.0' }, 422, 'archive_zip_bomb'],
      ['no version anywhere', () => packageZip(composerJson), {}, 422, 'version_missing'],
      ['an invalid version', () => packageZip(composerJson), { version: 'latest' }, 422, 'invalid_version'],
      ['an alias as version', () => packageZip(composerJson), { version: '1.0 as 2.0' }, 422, 'invalid_version'],
      [
        'an invalid version in composer.json',
        () => packageZip({ ...composerJson, version: 'next' }),
        {},
        422,
        'invalid_version',
      ],
      [
        'a version contradicting composer.json',
        () => packageZip({ ...composerJson, version: '1.0.0' }),
        { version: '2.0.0' },
        422,
        'version_mismatch',
      ],
      [
        'an invalid released_at',
        () => packageZip(composerJson),
        { version: '1.0.0', released_at: 'yesterday' },
        400,
        'validation_failed',
      ],
      [
        'a released_at without time zone',
        () => packageZip(composerJson),
        { version: '1.0.0', released_at: '2024-01-15T10:30:00' },
        400,
        'validation_failed',
      ],
      [
        'an unknown field',
        () => packageZip(composerJson),
        { version: '1.0.0', channel: 'stable' },
        400,
        'validation_failed',
      ],
    ];

    it.each(cases)('refuses %s', async (_label, build, fields, status, code) => {
      const res = await upload(await build(), fields).expect(status);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toMatchObject({ statusCode: status, error: code });
      expect(typeof res.body.message).toBe('string');
    });

    it('refuses a JSON body without an archive', async () => {
      const res = await t.admin.post('/api/v1/packages', { version: '1.0.0' }).expect(400);
      expect(res.body).toMatchObject({ error: 'archive_missing' });
    });

    it('refuses an archive over MAX_ARCHIVE_MB with 413', async () => {
      const archive = rawZip([
        { name: 'composer.json', data: validComposerJson() },
        { name: 'padding.bin', data: Buffer.alloc(MAX_ARCHIVE_MB * MB) },
      ]);
      const res = await upload(archive, { version: '1.0.0' }).expect(413);
      expect(res.body).toMatchObject({
        statusCode: 413,
        error: 'archive_too_large',
        details: { max_bytes: MAX_ARCHIVE_MB * MB },
      });
    });

    it('refuses the file under another field name, and two files', async () => {
      await upload(await packageZip(composerJson), { version: '1.0.0' }, 'file').expect(400);
      const archive = await packageZip(composerJson);
      await upload(archive, { version: '1.0.0' }).attach('archive', archive, 'second.zip').expect(400);
    });

    it('refuses a customer token and no token', async () => {
      const customer = await t.admin.post('/api/v1/customers', { name: 'Acme', email: 'dev@acme.com' }).expect(201);
      const archive = await packageZip(composerJson);
      await t.http().post('/api/v1/packages').field('version', '1.0.0').attach('archive', archive, 'p.zip').expect(401);
      await t
        .http()
        .post('/api/v1/packages')
        .set('Authorization', `Bearer ${customer.body.token}`)
        .field('version', '1.0.0')
        .attach('archive', archive, 'p.zip')
        .expect(403);
    });
  });

  describe('listing and reading', () => {
    it('lists packages by name with version counts, paginated like customers', async () => {
      for (const [name, versions] of [
        ['acme/widget', ['1.0.0', '1.1.0']],
        ['acme/gadget', ['0.1.0']],
        ['other/thing', ['2.0.0', '2.1.0', 'dev-main']],
      ] as const) {
        for (const version of versions)
          await upload(await packageZip({ ...composerJson, name }), { version }).expect(201);
      }
      const all = await t.admin.get('/api/v1/packages').expect(200);
      expect(all.body).toMatchObject({ total: 3, limit: 50, offset: 0 });
      expect(all.body.data.map((p: { name: string; version_count: number }) => [p.name, p.version_count])).toEqual([
        ['acme/gadget', 1],
        ['acme/widget', 2],
        ['other/thing', 3],
      ]);
      const page = await t.admin.get('/api/v1/packages?limit=1&offset=1').expect(200);
      expect(page.body).toMatchObject({
        total: 3,
        limit: 1,
        offset: 1,
        data: [{ name: 'acme/widget', version_count: 2 }],
      });
      const search = await t.admin.get('/api/v1/packages?q=ACME/').expect(200);
      expect(search.body.total).toBe(2);
      await t.admin.get('/api/v1/packages?limit=0').expect(400);
      await t.admin.get('/api/v1/packages?sort=name').expect(400);
    });

    it('shows a package with its versions newest first, in Composer order', async () => {
      for (const version of ['1.0.0', '2.0.0-beta1', '1.10.0', 'dev-main', '2.0.0', '1.x-dev', 'v1.2.0']) {
        await upload(await packageZip(composerJson), { version }).expect(201);
      }
      const res = await t.admin.get('/api/v1/packages/acme/widget').expect(200);
      expect(res.body).toMatchObject({ name: 'acme/widget', version_count: 7 });
      expect(res.body.versions.map((v: { version: string }) => v.version)).toEqual([
        '2.0.0',
        '2.0.0-beta1',
        '1.x-dev',
        '1.10.0',
        'v1.2.0',
        '1.0.0',
        'dev-main',
      ]);
      expect(res.body.versions[0]).toMatchObject({ composer_json: composerJson, is_dev: false });
    });

    it('answers 404 for an unknown or impossible package', async () => {
      const res = await t.admin.get('/api/v1/packages/acme/nothing').expect(404);
      expect(res.body).toMatchObject({ error: 'package_not_found' });
      await t.admin.get('/api/v1/packages/Acme/Widget').expect(404);
      await t.admin.get('/api/v1/packages/..%2F..%2Fetc/passwd').expect(404);
    });
  });

  describe('deleting', () => {
    async function publish(version: string, name = 'acme/widget'): Promise<string> {
      return (await upload(await packageZip({ ...composerJson, name }), { version }).expect(201)).body.id;
    }

    it('deletes a version given as published or normalized, with its archive', async () => {
      const v1 = await publish('v1.0.0');
      const v2 = await publish('2.0.0');
      const v3 = await publish('3.0.0');
      await t.admin.delete('/api/v1/packages/acme/widget/versions/v1.0.0').expect(204);
      await t.admin.delete('/api/v1/packages/acme/widget/versions/2.0.0.0').expect(204);
      expect(storedFiles()).toEqual([`acme/widget/${v3}.zip`]);
      expect(storedFiles().join()).not.toMatch(new RegExp(`${v1}|${v2}`));
      const res = await t.admin.get('/api/v1/packages/acme/widget').expect(200);
      expect(res.body.versions.map((v: { version: string }) => v.version)).toEqual(['3.0.0']);
      await upload(await packageZip(composerJson), { version: '1.0.0' }).expect(201);
    });

    it('deletes a branch version whose name holds a slash, encoded or not', async () => {
      await publish('dev-feature/login');
      await publish('dev-feature/signup');
      await t.admin.delete('/api/v1/packages/acme/widget/versions/dev-feature%2Flogin').expect(204);
      await t.admin.delete('/api/v1/packages/acme/widget/versions/dev-feature/signup').expect(204);
      expect(storedFiles()).toEqual([]);
    });

    it('answers 404 for an unknown version or package', async () => {
      await publish('1.0.0');
      const missing = await t.admin.delete('/api/v1/packages/acme/widget/versions/9.9.9').expect(404);
      expect(missing.body).toMatchObject({ error: 'version_not_found' });
      await t.admin.delete('/api/v1/packages/acme/widget/versions/not a version').expect(404);
      const unknown = await t.admin.delete('/api/v1/packages/acme/nothing/versions/1.0.0').expect(404);
      expect(unknown.body).toMatchObject({ error: 'package_not_found' });
      expect(await versionRows()).toBe(1);
    });

    it('deletes a package with all its versions and archives', async () => {
      await publish('1.0.0');
      await publish('2.0.0');
      const other = await publish('1.0.0', 'acme/other');
      await t.admin.delete('/api/v1/packages/acme/widget').expect(204);
      await t.admin.get('/api/v1/packages/acme/widget').expect(404);
      expect(storedFiles()).toEqual([`acme/other/${other}.zip`]);
      expect(existsSync(join(archivesDir, 'acme', 'widget'))).toBe(false);
      expect(await versionRows()).toBe(1);
      const res = await t.admin.delete('/api/v1/packages/acme/widget').expect(404);
      expect(res.body).toMatchObject({ error: 'package_not_found' });
    });

    it('moves contents_changed_at forward by whole seconds on every publish and delete', async () => {
      const stamps: number[] = [];
      const stamp = async () => {
        const res = await t.admin.get('/api/v1/packages/acme/widget').expect(200);
        stamps.push(new Date(res.body.contents_changed_at).getTime());
      };
      await publish('1.0.0');
      await stamp();
      await publish('1.1.0');
      await stamp();
      await t.admin.delete('/api/v1/packages/acme/widget/versions/1.0.0').expect(204);
      await stamp();
      await publish('1.2.0');
      await stamp();
      for (const value of stamps) expect(value % 1000).toBe(0);
      for (let i = 1; i < stamps.length; i += 1) expect(stamps[i]).toBeGreaterThan(stamps[i - 1]);
      expect(stamps[0]).toBeGreaterThan(Date.now() - 5000);
    });
  });
});
