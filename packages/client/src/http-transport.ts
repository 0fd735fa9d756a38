import { randomUUID } from 'node:crypto';
import { PackyardApiError, PackyardUnavailableError } from './errors';
import { CallInput, Operation } from './operations';
import { DEFAULT_TIMEOUT_MS, HttpTransportOptions, PackyardTransport } from './transport';

const RETRYABLE_CONFLICT = 'idempotency_key_in_progress';

/**
 * The admin API over HTTP. Every POST carries an Idempotency-Key that stays the same across
 * retries, so retrying after a timeout, a dropped connection, a 5xx or "still in progress" can
 * never create a second customer or token. Other methods are idempotent by nature.
 */
export class HttpTransport implements PackyardTransport {
  private readonly baseUrl: string;

  constructor(private readonly options: HttpTransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  async call<T>(operation: Operation, input: CallInput): Promise<T> {
    const url = this.baseUrl + fillPath(operation.openapiPath, input.params ?? {}) + queryString(input.query);
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.options.apiKey}`,
      Accept: 'application/json',
    };
    if (operation.method === 'POST') headers['Idempotency-Key'] = randomUUID();
    let body: string | FormData | undefined;
    if (input.form) body = input.form;
    else if (input.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(input.body);
    }
    const retries = this.options.retries ?? 3;
    const backoffMs = this.options.backoffMs ?? 200;
    for (let attempt = 0; ; attempt += 1) {
      const last = attempt >= retries;
      let response: Response;
      try {
        response = await fetch(url, {
          method: operation.method,
          headers,
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
        });
      } catch (error) {
        const timedOut = (error as Error).name === 'TimeoutError';
        if (last) {
          throw new PackyardUnavailableError(
            timedOut ? 'timeout' : 'network_error',
            `${operation.method} ${url}: ${timedOut ? 'no answer in time' : (error as Error).message} after ${attempt + 1} attempt(s)`,
          );
        }
        await pause(backoffMs * 2 ** attempt);
        continue;
      }
      const text = await response.text();
      const parsed: unknown = text === '' ? undefined : safeJson(text);
      if (response.ok) return parsed as T;
      const error = PackyardApiError.fromBody(response.status, parsed);
      const retryable = response.status >= 500 || (response.status === 409 && error.code === RETRYABLE_CONFLICT);
      if (!retryable || last) throw error;
      const retryAfter = Number(response.headers.get('retry-after'));
      await pause(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : backoffMs * 2 ** attempt);
    }
  }

  async close(): Promise<void> {}
}

function fillPath(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_whole, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`Missing path parameter "${name}" for ${template}`);
    return encodeURIComponent(value);
  });
}

function queryString(query: object | undefined): string {
  if (!query) return '';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== null) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
