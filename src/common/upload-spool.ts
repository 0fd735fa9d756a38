import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/**
 * Where request bodies and uploaded archives are spooled while a request runs: `$DATA_DIR/uploads`.
 * Files left there by a process that died mid-request are removed by ArchiveSweeper.
 */
export function uploadsDir(dataDir: string): string {
  return join(dataDir, 'uploads');
}

/** A fresh, unguessable file name in the uploads folder; the prefix says what it holds. */
export function temporaryUploadPath(dataDir: string, prefix: 'archive' | 'body'): string {
  return join(uploadsDir(dataDir), `${prefix}-${Date.now()}-${randomBytes(8).toString('hex')}.tmp`);
}
