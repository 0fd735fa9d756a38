import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';

describe('archive storage configuration', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'packyard-config-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const load = (env: Record<string, string>) => loadConfig({ ADMIN_TOKEN: 'x'.repeat(16), DATA_DIR: dataDir, ...env });
  const s3 = { ARCHIVE_STORAGE: 's3', S3_BUCKET: 'packyard-archives' };

  it('keeps archives on the filesystem by default', () => {
    expect(load({}).archiveStorage).toEqual({ kind: 'filesystem' });
  });

  it('reads a complete S3 configuration', () => {
    expect(
      load({
        ...s3,
        S3_ENDPOINT: 'http://minio:9000',
        S3_PUBLIC_ENDPOINT: 'https://objects.example.com',
        S3_REGION: 'eu-central-1',
        S3_ACCESS_KEY_ID: 'key',
        S3_SECRET_ACCESS_KEY: 'secret',
        S3_FORCE_PATH_STYLE: 'true',
        S3_DOWNLOAD_URL_SECONDS: '60',
      }).archiveStorage,
    ).toEqual({
      kind: 's3',
      bucket: 'packyard-archives',
      endpoint: 'http://minio:9000',
      publicEndpoint: 'https://objects.example.com',
      region: 'eu-central-1',
      credentials: { accessKeyId: 'key', secretAccessKey: 'secret' },
      forcePathStyle: true,
      downloadUrlSeconds: 60,
    });
  });

  it('defaults to AWS S3 in us-east-1 with the SDK credential chain and 5-minute URLs', () => {
    expect(load(s3).archiveStorage).toEqual({
      kind: 's3',
      bucket: 'packyard-archives',
      endpoint: undefined,
      publicEndpoint: undefined,
      region: 'us-east-1',
      credentials: undefined,
      forcePathStyle: false,
      downloadUrlSeconds: 300,
    });
  });

  it.each([
    [{ ARCHIVE_STORAGE: 'ftp' }, 'ARCHIVE_STORAGE'],
    [{ ARCHIVE_STORAGE: 's3' }, 'S3_BUCKET'],
    [{ ...s3, S3_BUCKET: 'Not_A_Bucket' }, 'S3_BUCKET'],
    [{ ...s3, S3_ENDPOINT: 'minio:9000' }, 'S3_ENDPOINT'],
    [{ ...s3, S3_PUBLIC_ENDPOINT: 'ftp://objects' }, 'S3_PUBLIC_ENDPOINT'],
    [{ ...s3, S3_ACCESS_KEY_ID: 'key' }, 'S3_SECRET_ACCESS_KEY'],
    [{ ...s3, S3_SECRET_ACCESS_KEY: 'secret' }, 'S3_ACCESS_KEY_ID'],
    [{ ...s3, S3_FORCE_PATH_STYLE: 'maybe' }, 'S3_FORCE_PATH_STYLE'],
    [{ ...s3, S3_DOWNLOAD_URL_SECONDS: '5' }, 'S3_DOWNLOAD_URL_SECONDS'],
    [{ ARCHIVE_SWEEP_MINUTES: 'hourly' }, 'ARCHIVE_SWEEP_MINUTES'],
  ])('refuses %p, naming %s', (env, variable) => {
    expect(() => load(env as Record<string, string>)).toThrow(ConfigError);
    expect(() => load(env as Record<string, string>)).toThrow(new RegExp(`^Invalid configuration: ${variable} `));
  });
});
