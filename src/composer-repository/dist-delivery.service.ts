import { Inject, Injectable, Logger } from '@nestjs/common';
import { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { DomainError } from '../common/domain-error';
import { ARCHIVE_STORAGE, ArchiveStorage } from '../packages/archive-storage';
import { PackageVersion } from '../packages/package-version.entity';
import { DownloadRecorder } from './download-recorder.service';

/** Who is downloading: a customer's download is recorded, an admin's is not. */
export type Downloader = { kind: 'admin' } | { kind: 'customer'; customerId: string; tokenId: string };

function attachmentName(version: PackageVersion): string {
  return `${version.packageName.replace('/', '-')}-${version.version.replace(/[^\w.-]/g, '_')}.zip`;
}

/**
 * Sends one dist archive once access has been decided: streamed from the filesystem, or a 302 to
 * a short-lived URL of the object store (Composer follows it without sending the customer's
 * credentials to the other host). The download is recorded (buffered, see DownloadRecorder) once
 * the archive is known to be there, before a byte leaves. Both the Nest route and the fast path
 * answer through here, so they answer alike, errors included.
 */
@Injectable()
export class DistDelivery {
  private readonly logger = new Logger(DistDelivery.name);

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
      const stream = await this.storage.open(version.storageKey);
      this.record(downloader, version);
      response.writeHead(200, {
        'Content-Type': 'application/zip',
        'Content-Length': version.sizeBytes,
        'Content-Disposition': `attachment; filename="${attachmentName(version)}"`,
      });
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
      body = { statusCode: error.status, error: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
    } else {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      body = { statusCode: 503, error: 'archive_storage_unavailable', message: 'The archive storage cannot be reached; try again shortly' };
    }
    const bytes = Buffer.from(JSON.stringify(body));
    const headers: Record<string, string | number> = { 'Content-Type': 'application/json', 'Content-Length': bytes.length };
    if (body.statusCode === 503) headers['Retry-After'] = '5';
    response.writeHead(body.statusCode as number, headers);
    response.end(bytes);
  }
}
