import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  paginateListObjectsV2,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { S3Config } from '../config/app-config';
import {
  ArchiveNotStoredError,
  ArchiveStorage,
  InvalidStorageKeyError,
  isValidStorageKey,
  StoredArchive,
} from './archive-storage';

/** Parts of a multipart upload; at most PART_BYTES * PARTS_IN_FLIGHT of an archive is in memory. */
const PART_BYTES = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

/**
 * Archives in an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2, Ceph) under their storage
 * key. Downloads do not pass through Packyard: clients get a presigned URL, valid for
 * `downloadUrlSeconds`, once access is decided.
 */
export class S3ArchiveStorage implements ArchiveStorage {
  private readonly client: S3Client;
  /** Signs download URLs for the address customers reach the store at (signing needs no network). */
  private readonly presigner: S3Client;

  constructor(private readonly config: S3Config) {
    this.client = S3ArchiveStorage.clientFor(config, config.endpoint);
    this.presigner = config.publicEndpoint ? S3ArchiveStorage.clientFor(config, config.publicEndpoint) : this.client;
  }

  private static clientFor(config: S3Config, endpoint: string | undefined): S3Client {
    return new S3Client({
      region: config.region,
      endpoint,
      forcePathStyle: config.forcePathStyle,
      credentials: config.credentials,
      // Checksums only where S3 requires them: several S3-compatible stores do not accept the
      // newer default (CRC trailers on every upload).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, path: string): Promise<void> {
    // S3 writes are atomic: an object is visible whole or not at all.
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.config.bucket,
        Key: checked(key),
        Body: createReadStream(path),
        ContentType: 'application/zip',
      },
      partSize: PART_BYTES,
      queueSize: PARTS_IN_FLIGHT,
    });
    await upload.done();
  }

  async open(key: string): Promise<Readable> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: checked(key) }));
      return object.Body as Readable;
    } catch (error) {
      if (isMissing(error)) throw new ArchiveNotStoredError(key);
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: checked(key) }));
  }

  async *list(): AsyncIterable<StoredArchive> {
    for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.config.bucket })) {
      for (const object of page.Contents ?? []) {
        if (object.Key && object.LastModified) yield { key: object.Key, modifiedAt: object.LastModified };
      }
    }
  }

  downloadUrl(key: string, fileName: string): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.config.bucket,
      Key: checked(key),
      ResponseContentType: 'application/zip',
      ResponseContentDisposition: `attachment; filename="${fileName}"`,
    });
    return getSignedUrl(this.presigner, command, { expiresIn: this.config.downloadUrlSeconds });
  }

  onApplicationShutdown(): void {
    this.client.destroy();
    this.presigner.destroy();
  }
}

function checked(key: string): string {
  if (!isValidStorageKey(key)) throw new InvalidStorageKeyError(key);
  return key;
}

function isMissing(error: unknown): boolean {
  return error instanceof NoSuchKey || (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404);
}
