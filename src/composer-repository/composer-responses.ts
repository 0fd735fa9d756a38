import { IncomingMessage, ServerResponse } from 'node:http';
import { accessDeniedResponse } from './access-denied';
import { PackageVersion } from '../packages/package-version.entity';
import { revalidate } from './last-modified';
import { httpDate } from '../common/http-date';
import { EncodedDocument, RepositoryView, VisiblePackage } from './repository-views.service';

/**
 * How the Composer endpoints answer, written straight to Node's response so the Nest controller
 * and the pre-routing fast path (ComposerFastPath) send byte-identical replies.
 */

const VARY = 'Authorization, Accept-Encoding';

/**
 * writeHead with the request id RequestObserver gave the request. Passed here rather than set with
 * setHeader before: one setHeader sends every header of writeHead through Node's slower merging path,
 * which cost the warm path a tenth of its time.
 */
export function writeHead(
  response: ServerResponse,
  status: number,
  headers: Record<string, string | number>,
  reasonPhrase?: string,
): void {
  const id = (response.req as (IncomingMessage & { id?: string }) | undefined)?.id;
  if (id) headers['X-Request-Id'] = id;
  if (reasonPhrase === undefined) response.writeHead(status, headers);
  else response.writeHead(status, reasonPhrase, headers);
}
const NOT_FOUND = Buffer.from(
  JSON.stringify({ statusCode: 404, error: 'not_found', message: 'No such package in this repository' }),
);

export function sendDocument(
  request: IncomingMessage,
  response: ServerResponse,
  document: EncodedDocument,
  validator?: { lastModified: Date; now: Date },
): void {
  const gzip = /\bgzip\b/.test(request.headers['accept-encoding'] ?? '');
  const body = gzip ? document.gzipped : document.body;
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/json',
    'Cache-Control': 'private, no-cache',
    Vary: VARY,
    'Content-Length': body.length,
  };
  if (gzip) headers['Content-Encoding'] = 'gzip';
  if (validator) {
    // Date and Last-Modified from the same instant, so that Last-Modified is never the later one.
    headers.Date = httpDate(validator.now);
    headers['Last-Modified'] = httpDate(validator.lastModified);
  }
  writeHead(response, 200, headers);
  response.end(body);
}

export function sendDenied(response: ServerResponse, status: 'suspended' | 'expired', contact: string): void {
  const { reasonPhrase, body } = accessDeniedResponse(status, contact);
  // Exactly "application/json": Composer prints the body's warning only then.
  writeHead(
    response,
    403,
    { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    reasonPhrase,
  );
  response.end(body);
}

export function sendNotFound(response: ServerResponse): void {
  writeHead(response, 404, { 'Content-Type': 'application/json', 'Content-Length': NOT_FOUND.length });
  response.end(NOT_FOUND);
}

/** `name.json` holds tagged versions, `name~dev.json` dev versions. */
export function parseMetadataFile(vendor: string, file: string): { packageName: string; dev: boolean } | undefined {
  const match = /^(.+?)(~dev)?\.json$/.exec(file);
  return match ? { packageName: `${vendor}/${match[1]}`, dev: Boolean(match[2]) } : undefined;
}

/** Answers packages.json for a view. */
export function answerRoot(
  request: IncomingMessage,
  response: ServerResponse,
  view: RepositoryView,
  contact: string,
): void {
  if (view.kind === 'denied') return sendDenied(response, view.status, contact);
  sendDocument(request, response, view.root);
}

/** Answers a p2 file for a view at `now`, given a way to get (or build) the encoded document. */
export function answerMetadata(
  request: IncomingMessage,
  response: ServerResponse,
  view: RepositoryView,
  contact: string,
  file: { packageName: string; dev: boolean } | undefined,
  documentFor: (visible: VisiblePackage, dev: boolean) => EncodedDocument | undefined,
  now: Date,
): void {
  if (view.kind === 'denied') return sendDenied(response, view.status, contact);
  const visible = file ? view.packages.get(file.packageName) : undefined;
  const document = visible && file ? documentFor(visible, file.dev) : undefined;
  if (!visible || !document) return sendNotFound(response);
  const { lastModified, notModified } = revalidate(visible.lastModified, now, request.headers['if-modified-since']);
  if (notModified) {
    writeHead(response, 304, { Date: httpDate(now), 'Last-Modified': httpDate(lastModified), Vary: VARY });
    response.end();
    return;
  }
  sendDocument(request, response, document, { lastModified, now });
}

/** A dist URL's parts: `/dists/<vendor>/<name>/<version_normalized>/<shasum>.zip`. */
export interface DistFile {
  packageName: string;
  versionNormalized: string;
  file: string;
}

/**
 * Decides a dist request for a view: sends the 403 or 404 itself and returns undefined, or returns
 * the version to deliver. The shasum in the file name pins the exact archive a client expects.
 */
export function resolveDist(
  response: ServerResponse,
  view: RepositoryView,
  contact: string,
  dist: DistFile,
): PackageVersion | undefined {
  if (view.kind === 'denied') return void sendDenied(response, view.status, contact);
  const version = view.packages
    .get(dist.packageName)
    ?.versions.find((v) => v.versionNormalized === dist.versionNormalized);
  if (!version || dist.file !== `${version.shasum}.zip`) return void sendNotFound(response);
  return version;
}
