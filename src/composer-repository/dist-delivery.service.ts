import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { DomainError } from '../common/domain-error';
import { ARCHIVE_STORAGE, ArchiveStorage } from '../packages/archive-storage';
import { PackageVersion } from '../packages/package-version.entity';
import { ArchiveBytesCache } from './archive-bytes-cache';
import { writeHead } from './composer-responses';
import { DownloadRecorder } from './download-recorder.service';

/** Who is downloading: a customer's download is recorded, an admin's is not. */
export type Downloader = { kind: 'admin' } | { kind: 'customer'; customerId: string; tokenId: string };

function attachmentName(version: PackageVersion): string {
  return `${version.packageName.replace('/', '-')}-${version.version.replace(/[^\w.-]/g, '_')}.zip`;
}

/**
 * Sends one dist archive once access has been decided: streamed from the filesystem (from memory
 * after the first time, see archiveCacheFor), or a 302 to
 * a short-lived URL of the object store (Composer follows it without sending the customer's
 * credentials to the other host). The download is recorded (buffered, see DownloadRecorder) once
 * the archive is known to be there, before a byte leaves. Both the Nest route and the fast path
 * answer through here, so they answer alike, errors included.
 */
/**
 * CI installs fetch the same archives again and again: once read, an archive is answered from memory
 * (one write instead of a read and a write per 64 KB), within ARCHIVE_MEMORY_CACHE_MB. One archive
 * may take at most an eighth of it, so a few large ones cannot push out all the others.
 */
function archiveCacheFor(totalBytes: number): ArchiveBytesCache {
  return new ArchiveBytesCache(Math.floor(totalBytes / 8), totalBytes);
}

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
  private readonly archives: ArchiveBytesCache;

  constructor(
    @Inject(ARCHIVE_STORAGE) private readonly storage: ArchiveStorage,
    private readonly recorder: DownloadRecorder,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.archives = archiveCacheFor(config.archiveMemoryCacheBytes);
  }

  async deliver(downloader: Downloader, version: PackageVersion, response: ServerResponse): Promise<void> {
    try {
      if (this.storage.downloadUrl) {
        const location = await this.storage.downloadUrl(version.storageKey, attachmentName(version));
        this.record(downloader, version);
        writeHead(response, 302, { Location: location, 'Cache-Control': 'no-store', 'Content-Length': 0 });
        response.end();
        return;
      }
      const headers = {
        'Content-Type': 'application/zip',
        'Content-Length': version.sizeBytes,
        'Content-Disposition': `attachment; filename="${attachmentName(version)}"`,
      };
      const cached = this.archives.get(version.storageKey);
      if (cached) {
        this.record(downloader, version);
        writeHead(response, 200, headers);
        response.end(cached);
        return;
      }
      const stream = await this.storage.open(version.storageKey);
      this.record(downloader, version);
      writeHead(response, 200, headers);
      if (version.sizeBytes <= this.archives.maxEntryBytes)
        stream.on('data', collect(version.storageKey, version.sizeBytes, this.archives));
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
    writeHead(response, body.statusCode as number, headers);
    response.end(bytes);
  }
}
