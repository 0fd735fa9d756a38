/**
 * The baseline: a bare Node `http` server that answers with the exact status, headers and body
 * bytes captured from Packyard, from memory, choosing only by URL and by whether the request is
 * conditional (If-Modified-Since). No auth, no framework: the ceiling for this machine and client.
 *
 * Usage: node -r ts-node/register/transpile-only bench/baseline-server.ts <responses.json> <port>
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

export interface BaselineResponse {
  path: string;
  conditional: boolean;
  status: number;
  rawHeaders: string[];
  bodyBase64: string;
}

const [file, portText] = process.argv.slice(2);
const table = new Map<string, { status: number; headers: string[]; body: Buffer }>();
for (const entry of JSON.parse(readFileSync(file, 'utf8')) as BaselineResponse[]) {
  table.set(`${entry.conditional ? 'ims' : '-'} ${entry.path}`, {
    status: entry.status,
    headers: entry.rawHeaders,
    body: Buffer.from(entry.bodyBase64, 'base64'),
  });
}

const server = createServer((req, res) => {
  const found = table.get(`${req.headers['if-modified-since'] ? 'ims' : '-'} ${req.url}`);
  if (!found) {
    res.writeHead(req.url === '/__ready' ? 200 : 404, { 'Content-Length': 0 });
    res.end();
    return;
  }
  res.writeHead(found.status, found.headers);
  res.end(found.status === 304 ? undefined : found.body);
});

server.listen(Number(portText), '127.0.0.1');
const stop = () => server.close(() => process.exit(0)).closeAllConnections();
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
