import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SchedulerRegistry } from '@nestjs/schedule';
import { PERIODIC_SYNC } from '../src/git-sources/git-sync-runner.service';
import { libraryFiles, VendorRepo } from './helpers/git';
import { createTestApp, TestApp } from './helpers/test-app';

describe('Publishing from Git: size limit and periodic sync timer', () => {
  let t: TestApp;
  let repo: VendorRepo;

  beforeAll(async () => {
    t = await createTestApp({ REPOSITORY_SYNC_MINUTES: '30', REPOSITORY_MAX_MB: '1' });
    repo = new VendorRepo('huge');
    repo.commit({
      ...libraryFiles('acme/huge', '1.0.0'),
      'assets/blob.bin': randomBytes(3 * 1024 * 1024).toString('base64'),
    });
    repo.tag('1.0.0');
    repo.push();
  });
  afterAll(async () => {
    await t.close();
    repo.remove();
  });

  it('runs the periodic sync on the REPOSITORY_SYNC_MINUTES timer', () => {
    expect(t.app.get(SchedulerRegistry).getIntervals()).toContain(PERIODIC_SYNC);
  });

  it('refuses a repository over REPOSITORY_MAX_MB and keeps no mirror of it', async () => {
    const res = await t.admin.post('/api/v1/repositories', { url: repo.fileUrl }).expect(422);
    expect(res.body).toMatchObject({
      error: 'repository_too_large',
      message: expect.stringContaining('REPOSITORY_MAX_MB (1 MB)'),
    });
    const mirrors = join(t.config.dataDir, 'repositories');
    expect(existsSync(mirrors) ? readdirSync(mirrors) : []).toEqual([]);
    expect((await t.admin.get('/api/v1/repositories').expect(200)).body.total).toBe(0);
  });
});
