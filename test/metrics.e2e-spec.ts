import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { basicAuth, createCustomer, publish } from './helpers/catalog';
import { createBillingCustomer, deliverStripe, STRIPE_SECRET, stripeEvent, stripeInvoice } from './helpers/billing';
import { createTestApp, TestApp } from './helpers/test-app';
import { findFreePort } from '../src/database/embedded-postgres';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

type Families = ReturnType<typeof parsePrometheusTextFormat>;

/** The value of one sample whose labels include `labels`; undefined when there is none. */
function sample(families: Families, name: string, labels: Record<string, string> = {}): number | undefined {
  const family = families.find((f) => f.name === name);
  const match = family?.metrics.find((m) => Object.entries(labels).every(([key, value]) => m.labels?.[key] === value));
  if (!match) return undefined;
  return Number(match.value ?? match.count);
}

describe('Prometheus metrics', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ METRICS_TOKEN, STRIPE_WEBHOOK_SECRET: STRIPE_SECRET });
  });
  afterAll(() => t.close());

  let lastText = '';
  async function scrape(): Promise<Families> {
    const res = await t.http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    lastText = res.text;
    return parsePrometheusTextFormat(res.text);
  }

  it('needs the metrics token', async () => {
    const missing = await t.http().get('/metrics').expect(401);
    expect(missing.body.error).toBe('unauthorized');
    await t.http().get('/metrics').set('Authorization', 'Bearer not-the-metrics-token-at-all').expect(401);
    // The admin token is not a metrics token.
    await t.admin.get('/metrics').expect(401);
  });

  it('counts requests, cache hits and misses, view builds and billing outcomes as they happen', async () => {
    await publish(t, 'acme/widget', '1.0.0');
    const { token } = await createCustomer(t, { 'acme/widget': '*' });
    const base = await scrape();
    const metadata = (status: string) =>
      sample(base, 'packyard_http_requests_total', { route: 'composer_metadata', status }) ?? 0;
    const builds = sample(base, 'packyard_view_builds_total', { principal: 'customer' }) ?? 0;
    const viewHits = sample(base, 'packyard_cache_lookups_total', { cache: 'view', result: 'hit' }) ?? 0;
    const viewMisses = sample(base, 'packyard_cache_lookups_total', { cache: 'view', result: 'miss' }) ?? 0;
    const fastPath = sample(base, 'packyard_composer_fast_path_answers_total') ?? 0;

    // One cold request builds the view; the next five are answered from memory by the fast path.
    for (let i = 0; i < 6; i += 1)
      await t.http().get('/p2/acme/widget.json').set('Authorization', basicAuth(token)).expect(200);
    await t.http().get('/p2/acme/widget.json').set('Authorization', basicAuth('tok_wrong')).expect(401);
    await t.http().get('/api/v1/customers').expect(401);
    await t.admin.get('/api/v1/customers').expect(200);

    const customer = await createBillingCustomer(t, 'cus_metrics1');
    await deliverStripe(t, stripeEvent('invoice.payment_failed', stripeInvoice('cus_metrics1'))).expect(200);
    await deliverStripe(t, stripeEvent('invoice.payment_failed', stripeInvoice('cus_nobody'))).expect(200);
    expect(customer.id).toMatch(/^cust_/);

    const after = await scrape();
    expect(
      (sample(after, 'packyard_http_requests_total', { route: 'composer_metadata', status: '200' }) ?? 0) -
        metadata('200'),
    ).toBe(6);
    expect(
      (sample(after, 'packyard_http_requests_total', { route: 'composer_metadata', status: '401' }) ?? 0) -
        metadata('401'),
    ).toBe(1);
    expect(sample(after, 'packyard_http_requests_total', { route: 'admin_api', status: '401' })).toBeGreaterThanOrEqual(
      1,
    );
    expect(sample(after, 'packyard_http_requests_total', { route: 'webhook', status: '200' })).toBe(2);
    expect(sample(after, 'packyard_view_builds_total', { principal: 'customer' })! - builds).toBe(1);
    expect(sample(after, 'packyard_cache_lookups_total', { cache: 'view', result: 'miss' })! - viewMisses).toBe(1);
    expect(sample(after, 'packyard_cache_lookups_total', { cache: 'view', result: 'hit' })! - viewHits).toBe(5);
    expect(sample(after, 'packyard_composer_fast_path_answers_total')! - fastPath).toBe(5);
    expect(sample(after, 'packyard_billing_events_total', { provider: 'stripe', outcome: 'applied' })).toBe(1);
    expect(
      sample(after, 'packyard_billing_events_total', { provider: 'stripe', outcome: 'kept_unknown_customer' }),
    ).toBe(1);
    expect(sample(after, 'packyard_change_notifications_total', { direction: 'sent' })).toBeGreaterThanOrEqual(3);

    const latency = after.find((f) => f.name === 'packyard_http_request_duration_seconds');
    expect(latency?.type).toBe('HISTOGRAM');
    // The parser merges the series of a labelled histogram, so the per-route series are read from the text itself.
    const series = (suffix: string, labels: string) =>
      Number(
        new RegExp(`^packyard_http_request_duration_seconds_${suffix}\\{${labels}\\} (\\S+)$`, 'm').exec(lastText)?.[1],
      );
    expect(series('count', 'route="composer_metadata"')).toBeGreaterThanOrEqual(7);
    expect(series('bucket', 'le="\\+Inf",route="composer_metadata"')).toBe(
      series('count', 'route="composer_metadata"'),
    );
    expect(series('sum', 'route="composer_metadata"')).toBeGreaterThan(0);

    expect(sample(after, 'packyard_database_up')).toBe(1);
    expect(sample(after, 'packyard_database_pool_connections', { state: 'max' })).toBe(20);
    expect(sample(after, 'packyard_database_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'packyard_download_buffer_bytes')).toBe(0);
    expect(sample(after, 'packyard_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('serves metrics on METRICS_PORT without a token, and not at all on the main port without METRICS_TOKEN', async () => {
    const port = await findFreePort();
    const separate = await createTestApp({ METRICS_PORT: String(port) });
    try {
      await separate.http().get('/packages.json').expect(401);
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      const families = parsePrometheusTextFormat(await res.text());
      expect(sample(families, 'packyard_http_requests_total', { route: 'composer_metadata', status: '401' })).toBe(1);
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
      const main = await separate.http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(404);
      expect(main.body.error).toBe('not_found');
    } finally {
      await separate.close();
    }
  });
});
