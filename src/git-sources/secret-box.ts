import { createHash } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { openBody, sealBody } from '../idempotency/response-sealing';

/**
 * Git credentials and webhook secrets at rest: AES-256-GCM with the idempotency store's sealing
 * format, under a key of their own derived from SECRETS_KEY (or ADMIN_TOKEN when it is unset).
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(config: Pick<AppConfig, 'secretsKey' | 'adminToken'>) {
    const material = config.secretsKey ?? config.adminToken;
    this.key = createHash('sha256').update(`packyard git-sources v1\0${material}`, 'utf8').digest();
  }

  seal(plain: string): string {
    return sealBody(plain, this.key);
  }

  /** Undefined when sealed under another key (SECRETS_KEY or ADMIN_TOKEN changed) or damaged. */
  open(sealed: string): string | undefined {
    return openBody(sealed, this.key);
  }
}
