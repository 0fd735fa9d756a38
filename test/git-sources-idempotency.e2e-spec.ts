import { libraryFiles, VendorRepo } from './helpers/git';
import { createTestApp, TestApp } from './helpers/test-app';

interface RepositoryBody {
  pending_sync: unknown;
  last_sync: { status: string; error: string | null; refs: Array<{ ref: string; outcome: string }> } | null;
}

/**
 * An idempotent POST runs in a unit of work; the first sync it queues runs after that unit
 * committed, so it must not use the unit's transaction.
 */
describe('Publishing from Git with an Idempotency-Key', () => {
  let t: TestApp;
  let repo: VendorRepo;

  beforeAll(async () => {
    t = await createTestApp();
    repo = new VendorRepo('idempotent');
    repo.commit(libraryFiles('acme/idempotent', '1.0.0'));
    repo.tag('1.0.0');
    repo.push();
  });
  afterAll(async () => {
    await t.close();
    repo.remove();
  });

  async function settled(repositoryId: string): Promise<RepositoryBody> {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const body = (await t.admin.get(`/api/v1/repositories/${repositoryId}`).expect(200)).body as RepositoryBody;
      if (body.pending_sync === null && body.last_sync) return body;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`The sync of ${repositoryId} did not end`);
  }

  it('publishes the tags of a repository added by an idempotent request', async () => {
    const created = await t.admin
      .post('/api/v1/repositories', { url: repo.fileUrl })
      .set('Idempotency-Key', 'add-acme-idempotent')
      .expect(201);
    const { last_sync } = await settled(created.body.id);
    expect(last_sync).toMatchObject({ status: 'succeeded', error: null });
    expect(last_sync?.refs).toContainEqual(expect.objectContaining({ ref: 'refs/tags/1.0.0', outcome: 'published' }));
    const versions = (await t.admin.get('/api/v1/packages/acme/idempotent').expect(200)).body.versions as Array<{
      version: string;
    }>;
    expect(versions.map((version) => version.version)).toContain('1.0.0');
  });
});
