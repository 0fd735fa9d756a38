import { randomBytes } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ZipFile } from 'yazl';
import { ArchiveSweeper } from '../src/packages/archive-sweeper.service';
import { ARCHIVE_STORAGE, ArchiveStorage } from '../src/packages/archive-storage';
import { publish } from './helpers/catalog';
import { createTestApp, TestApp } from './helpers/test-app';
import { packageZip } from './helpers/zip';

const MB = 1024 * 1024;

/** A full garbage collection, without starting jest with --expose-gc. */
const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** Every file under a folder, relative to it (empty when the folder does not exist). */
function filesUnder(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(folder.length + 1))
    .sort();
}

/** A package zip of about `bytes` (incompressible, stored) written straight to disk, never held in memory. */
async function writeLargePackageZip(path: string, name: string, bytes: number): Promise<void> {
  const zip = new ZipFile();
  zip.addBuffer(Buffer.from(JSON.stringify({ name, type: 'library' })), 'composer.json');
  let left = bytes;
  const noise = new Readable({
    read() {
      const size = Math.min(256 * 1024, left);
      left -= size;
      this.push(size > 0 ? randomBytes(size) : null);
    },
  });
  zip.addReadStream(noise, 'data/blob.bin', { compress: false, size: bytes });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(path));
}

describe('Uploads', () => {
  let t: TestApp;
  let uploads: string;
  let archives: string;

  beforeAll(async () => {
    t = await createTestApp({ MAX_ARCHIVE_MB: '100', ARCHIVE_SWEEP_MINUTES: '0' });
    uploads = join(t.config.dataDir, 'uploads');
    archives = join(t.config.dataDir, 'archives');
  });
  afterAll(() => t.close());

  describe('memory', () => {
    const size = 80 * MB;
    let zipPath: string;

    beforeAll(async () => {
      zipPath = join(t.config.dataDir, 'large.zip');
      await writeLargePackageZip(zipPath, 'acme/large', size);
    }, 60_000);

    /**
     * Publishes the large zip while sampling this process's live memory (heap plus Buffers); returns the peak growth.
     * RSS and unswept garbage both swing by tens of MB while 80 MB stream through, so a sample over the limit
     * is only counted after a full collection: an archive held in memory survives it, streamed chunks do not.
     */
    async function publishMeasuringMemory(
      version: string,
      limit: number,
      headers: Record<string, string> = {},
    ): Promise<number> {
      const live = (): number => {
        const usage = process.memoryUsage();
        return usage.heapUsed + usage.arrayBuffers;
      };
      collectGarbage();
      const baseline = live();
      let peak = 0;
      const sample = (): void => {
        let grown = live() - baseline;
        if (grown >= limit) {
          collectGarbage();
          grown = live() - baseline;
        }
        peak = Math.max(peak, grown);
      };
      const sampler = setInterval(sample, 5);
      try {
        const request = t.admin.post('/api/v1/packages').attach('archive', zipPath).field('version', version);
        for (const [name, value] of Object.entries(headers)) request.set(name, value);
        const res = await request;
        expect([res.status, res.body.size_bytes ?? res.body]).toEqual([201, statSync(zipPath).size]);
      } finally {
        clearInterval(sampler);
      }
      sample();
      return peak;
    }

    it('stays far below the archive size while a large archive is published', async () => {
      // Held in memory, the archive alone would add its whole size (twice with the key, as before).
      expect(await publishMeasuringMemory('1.0.0', size / 2)).toBeLessThan(size / 2);
    }, 120_000);

    it('stays far below the archive size with an Idempotency-Key too, and the retry is replayed', async () => {
      const grown = await publishMeasuringMemory('2.0.0', size / 2, { 'Idempotency-Key': 'large-upload-1' });
      expect(grown).toBeLessThan(size / 2);
      const retry = await t.admin
        .post('/api/v1/packages')
        .attach('archive', zipPath)
        .field('version', '2.0.0')
        .set('Idempotency-Key', 'large-upload-1');
      expect([retry.status, retry.headers['idempotent-replayed']]).toEqual([201, 'true']);
      expect(filesUnder(uploads)).toEqual([]);
    }, 120_000);
  });

  describe('refused uploads', () => {
    beforeAll(async () => {
      await t.reset();
      await publish(t, 'acme/taken', '1.0.0');
    });

    const refusals: Array<[string, () => Promise<Buffer>, Record<string, string>, number]> = [
      ['not a zip', async () => Buffer.from('just text'), {}, 422],
      ['no composer.json', async () => packageZip('{"name": ', {}), {}, 422],
      ['an unknown form field', async () => packageZip({ name: 'acme/widget' }), { colour: 'blue' }, 400],
      ['a version that exists', async () => packageZip({ name: 'acme/taken' }), {}, 409],
    ];

    it.each(refusals)('leave no file behind: %s', async (_label, zip, fields, status) => {
      const kept = filesUnder(archives);
      for (const key of [undefined, `refused-${Math.random()}`]) {
        const request = t.admin
          .post('/api/v1/packages')
          .attach('archive', await zip(), 'a.zip')
          .field('version', '1.0.0');
        for (const [name, value] of Object.entries(fields)) request.field(name, value);
        if (key) request.set('Idempotency-Key', key);
        expect((await request).status).toBe(status);
        expect(filesUnder(uploads)).toEqual([]);
        expect(filesUnder(archives)).toEqual(kept);
      }
    });

    it('leave no file behind when over MAX_ARCHIVE_MB', async () => {
      const small = await createTestApp({ MAX_ARCHIVE_MB: '1' });
      try {
        const big = await packageZip({ name: 'acme/big' }, { files: { 'blob.bin': randomBytes(2 * MB) } });
        for (const key of [undefined, 'too-big-1']) {
          const request = small.admin.post('/api/v1/packages').attach('archive', big, 'big.zip');
          if (key) request.set('Idempotency-Key', key);
          expect((await request).status).toBe(413);
          expect(filesUnder(join(small.config.dataDir, 'uploads'))).toEqual([]);
          expect(filesUnder(join(small.config.dataDir, 'archives'))).toEqual([]);
        }
      } finally {
        await small.close();
      }
    });
  });

  describe('the sweep', () => {
    beforeAll(async () => {
      await t.reset();
      rmSync(archives, { recursive: true, force: true });
    });

    it('removes stale upload files and archives no version references, and keeps everything else', async () => {
      await publish(t, 'acme/widget', '1.0.0');
      const [published] = filesUnder(archives);
      const storage = t.app.get<ArchiveStorage>(ARCHIVE_STORAGE);
      const source = join(t.config.dataDir, 'orphan-source.zip');
      writeFileSync(source, 'an archive whose version row never committed');
      await storage.put('acme/widget/ver_orphan.zip', source);
      await storage.put('acme/widget/ver_committing.zip', source);
      mkdirSync(uploads, { recursive: true });
      writeFileSync(join(uploads, 'archive-1-dead.tmp'), 'spooled by a process that was killed');
      writeFileSync(join(uploads, 'body-2-live.tmp'), 'an upload in progress');

      const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
      for (const path of [
        join(archives, published),
        join(archives, 'acme/widget/ver_orphan.zip'),
        join(uploads, 'archive-1-dead.tmp'),
      ]) {
        utimesSync(path, twoHoursAgo, twoHoursAgo);
      }

      expect(await t.app.get(ArchiveSweeper).sweep()).toEqual({ orphanArchives: 1, temporaryFiles: 1 });
      expect(filesUnder(archives)).toEqual([published, 'acme/widget/ver_committing.zip'].sort());
      expect(filesUnder(uploads)).toEqual(['body-2-live.tmp']);
      // The published version still downloads: its archive was kept.
      await t.admin.get('/api/v1/packages/acme/widget').expect(200);
    });
  });
});
