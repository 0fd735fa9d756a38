import { CallInput, Operation } from './operations';

/** How the client reaches Packyard: HTTP, or a Nest microservice transport (TCP or NATS). */
export interface PackyardTransport {
  call<T>(operation: Operation, input: CallInput): Promise<T>;
  close(): Promise<void>;
}

export interface RetryOptions {
  /** Further attempts after the first (default 3). */
  retries?: number;
  /** First pause between attempts, doubled each time (default 200 ms). */
  backoffMs?: number;
}

export interface HttpTransportOptions extends RetryOptions {
  transport?: 'http';
  /** e.g. `http://packyard.internal:8080` */
  baseUrl: string;
  /** An API key (`pk_…`) or the ADMIN_TOKEN. */
  apiKey: string;
  /** Per attempt (default 10 000 ms). */
  timeoutMs?: number;
}

export interface TcpTransportOptions {
  transport: 'tcp';
  host: string;
  port: number;
  apiKey: string;
  timeoutMs?: number;
}

export interface NatsTransportOptions {
  transport: 'nats';
  servers: string | string[];
  /** Packyard's NATS_SUBJECT_PREFIX (default `packyard`). */
  subjectPrefix?: string;
  apiKey: string;
  timeoutMs?: number;
}

export type PackyardClientOptions = HttpTransportOptions | TcpTransportOptions | NatsTransportOptions;

export const DEFAULT_TIMEOUT_MS = 10_000;
