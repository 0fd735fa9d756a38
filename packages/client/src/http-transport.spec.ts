import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { PackyardApiError, PackyardUnavailableError } from './errors';
import { HttpTransport } from './http-transport';
import { OPERATIONS } from './operations';

/** A real HTTP server that answers from a script, to watch the client's retries on the wire. */
async function scriptedServer(
  answers: Array<[number, object | null, number?]>,
): Promise<{ url: string; seen: IncomingMessage[]; server: Server }> {
  const seen: IncomingMessage[] = [];
  const server = createServer((request, response) => {
    seen.push(request);
    request.resume();
    const [status, body, delayMs] = answers[Math.min(seen.length - 1, answers.length - 1)];
    setTimeout(() => {
      response.writeHead(status, { 'Content-Type': 'application/json' });
      response.end(body === null ? undefined : JSON.stringify(body));
    }, delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

describe('HttpTransport', () => {
  const servers: Server[] = [];
  afterEach(() =>
    Promise.all(
      servers.splice(0).map((server) => {
        server.closeAllConnections();
        return new Promise((resolve) => server.close(resolve));
      }),
    ),
  );

  async function transportFor(answers: Array<[number, object | null, number?]>, timeoutMs = 2000) {
    const scripted = await scriptedServer(answers);
    servers.push(scripted.server);
    return {
      transport: new HttpTransport({ baseUrl: scripted.url, apiKey: 'pk_test', backoffMs: 1, retries: 3, timeoutMs }),
      seen: scripted.seen,
    };
  }

  it('retries a POST after a 5xx and a 409 in-progress with one Idempotency-Key', async () => {
    const { transport, seen } = await transportFor([
      [503, { statusCode: 503, error: 'unavailable', message: 'down' }],
      [409, { statusCode: 409, error: 'idempotency_key_in_progress', message: 'busy' }],
      [201, { id: 'cust_1' }],
    ]);
    await expect(
      transport.call(OPERATIONS.createCustomer, { body: { name: 'A', email: 'a@a.test' } }),
    ).resolves.toEqual({ id: 'cust_1' });
    const keys = seen.map((request) => request.headers['idempotency-key']);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen[0].headers.authorization).toBe('Bearer pk_test');
  });

  it('gives each POST its own key, and GETs none', async () => {
    const { transport, seen } = await transportFor([[200, {}]]);
    await transport.call(OPERATIONS.suspendCustomer, { params: { id: 'cust_1' }, body: {} });
    await transport.call(OPERATIONS.suspendCustomer, { params: { id: 'cust_1' }, body: {} });
    await transport.call(OPERATIONS.getCustomer, { params: { id: 'cust_1' } });
    expect(seen[0].headers['idempotency-key']).not.toBe(seen[1].headers['idempotency-key']);
    expect(seen[2].headers['idempotency-key']).toBeUndefined();
    expect(seen.map((request) => request.url)).toEqual([
      '/api/v1/customers/cust_1/suspend',
      '/api/v1/customers/cust_1/suspend',
      '/api/v1/customers/cust_1',
    ]);
  });

  it('does not retry a refusal and carries its error code', async () => {
    const { transport, seen } = await transportFor([
      [403, { statusCode: 403, error: 'insufficient_scope', message: 'no', details: { required: 'customers:write' } }],
    ]);
    const error = await transport.call(OPERATIONS.createCustomer, { body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PackyardApiError);
    expect(error).toMatchObject({ status: 403, code: 'insufficient_scope', details: { required: 'customers:write' } });
    expect(seen).toHaveLength(1);
  });

  it('times out each attempt and reports unavailability after the retries', async () => {
    const { transport, seen } = await transportFor([[200, {}, 500]], 50);
    await expect(transport.call(OPERATIONS.listCustomers, { query: { limit: 5 } })).rejects.toBeInstanceOf(
      PackyardUnavailableError,
    );
    expect(seen).toHaveLength(4);
    expect(seen[0].url).toBe('/api/v1/customers?limit=5');
  });

  it('reports a refused connection as network_error', async () => {
    const transport = new HttpTransport({ baseUrl: 'http://127.0.0.1:1', apiKey: 'pk_test', retries: 1, backoffMs: 1 });
    await expect(transport.call(OPERATIONS.listCustomers, {})).rejects.toMatchObject({ code: 'network_error' });
  });
});
