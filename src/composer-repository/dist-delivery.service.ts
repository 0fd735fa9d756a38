import { Inject, Injectable, Logger } from '@nestjs/common';
import { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { DomainError } from '../common/domain-error';
import { ARCHIVE_STORAGE, ArchiveStorage } from '../packages/archive-storage';
import { PackageVersion } from '../packages/package-version.entity';
import { ArchiveBytesCache } from './archive-bytes-cache';
import { DownloadRecorder } from './download-recorder.service';

/** Who is downloading: a customer's download is recorded, an admin's is not. */
export type Downloader = { kind: 'admin' } | { kind: 'customer'; customerId: string; tokenId: string };

function attachmentName(version: PackageVersion): string {
  return `${version.packageName.replace('/', '-')}-${version.version.replace(/[^\w.-]/g, '_')}.zip`;
}

/**
 * Sends one dist archive once access has been decided: streamed from the filesystem (small ones
 * from memory after the first time), or a 302 to
 * a short-lived URL of the object store (Composer follows it without sending the customer's
 * credentials to the other host). The download is recorded (buffered, see DownloadRecorder) once
 * the archive is known to be there, before a byte leaves. Both the Nest route and the fast path
 * answer through here, so they answer alike, errors included.
 */
/** Most package archives are small; these are served from memory once read (CI installs fetch them again and again). */
const SMALL_ARCHIVE_BYTES = 1024 * 1024;
const SMALL_ARCHIVES_TOTAL_BYTES = 64 * 1024 * 1024;

/** Keeps the chunks of a stream, and caches them once they add up to the archive's size. */
function collect(key: string, size: number, cache: ArchiveBytesCache): (chunk: Buffer) => void {
  const chunks: Buffer[] = [];
  let received = 0;
  return (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
    // Not on 'end': that needs one more read, and the client may ask again before it.
    if (received === size) cache.set(key, Buffer.concat(chunks, size));
  };
}

@Injectable()
export class DistDelivery {
  private readonly logger = new Logger(DistDelivery.name);
  private readonly smallArchives = new ArchiveBytesCache(SMALL_ARCHIVE_BYTES, SMALL_ARCHIVES_TOTAL_BYTES);

  constructor(
    @Inject(ARCHIVE_STORAGE) private readonly storage: ArchiveStorage,
    private readonly recorder: DownloadRecorder,
  ) {}

  async deliver(downloader: Downloader, version: PackageVersion, response: ServerResponse): Promise<void> {
    try {
      if (this.storage.downloadUrl) {
        const location = await this.storage.downloadUrl(version.storageKey, attachmentName(version));
        this.record(downloader, version);
        response.writeHead(302, { Location: location, 'Cache-Control': 'no-store', 'Content-Length': 0 });
        response.end();
        return;
      }
      const headers = {
        'Content-Type': 'application/zip',
        'Content-Length': version.sizeBytes,
        'Content-Disposition': `attachment; filename="${attachmentName(version)}"`,
      };
      const cached = this.smallArchives.get(version.storageKey);
      if (cached) {
        this.record(downloader, version);
        response.writeHead(200, headers);
        response.end(cached);
        return;
      }
      const stream = await this.storage.open(version.storageKey);
      this.record(downloader, version);
      response.writeHead(200, headers);
      if (version.sizeBytes <= this.smallArchives.maxEntryBytes)
        stream.on('data', collect(version.storageKey, version.sizeBytes, this.smallArchives));
      // pipeline closes the file when the client goes away mid-download.
      await pipeline(stream, response).catch(() => response.destroy());
    } catch (error) {
      this.sendError(response, error);
    }
  }

  private record(downloader: Downloader, version: PackageVersion): void {
    if (downloader.kind !== 'customer') return;
    this.recorder.record({
      customerId: downloader.customerId,
      tokenId: downloader.tokenId,
      packageName: version.packageName,
      version: version.version,
      versionNormalized: version.versionNormalized,
    });
  }

  /** The project's one error shape, as AllExceptionsFilter writes it (this runs outside Nest on the fast path). */
  private sendError(response: ServerResponse, error: unknown): void {
    if (response.headersSent) return void response.destroy();
    let body: Record<string, unknown>;
    if (error instanceof DomainError) {
      body = {
        statusCode: error.status,
        error: error.code,
        message: error.message,
        ...(error.details ? { details: error.details } : {}),
      };
    } else {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      body = {
        statusCode: 503,
        error: 'archive_storage_unavailable',
        message: 'The archive storage cannot be reached; try again shortly',
      };
    }
    const bytes = Buffer.from(JSON.stringify(body));
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json',
      'Content-Length': bytes.length,
    };
    if (body.statusCode === 503) headers['Retry-After'] = '5';
    response.writeHead(body.statusCode as number, headers);
    response.end(bytes);
  }
}
