import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { EventEnvelope } from './event-envelope';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature';

export interface AttemptOutcome {
  ok: boolean;
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
}

/** One signed POST of one event to one endpoint; any 2xx answer is a success. */
@Injectable()
export class WebhookSender {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async send(url: string, secret: string, event: EventEnvelope): Promise<AttemptOutcome> {
    const body = JSON.stringify(event);
    const started = performance.now();
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Packyard-Webhooks/1',
          [SIGNATURE_HEADER]: signatureHeader(secret, body, Math.floor(Date.now() / 1000)),
          'Packyard-Event-Id': event.id,
          'Packyard-Event-Type': event.type,
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.webhookTimeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      const ok = response.status >= 200 && response.status < 300;
      return {
        ok,
        responseStatus: response.status,
        durationMs: elapsed(started),
        error: ok ? null : `HTTP ${response.status}`,
      };
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const message = cause?.code ?? cause?.message ?? (error as Error).message;
      return { ok: false, responseStatus: null, durationMs: elapsed(started), error: String(message).slice(0, 500) };
    }
  }
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
