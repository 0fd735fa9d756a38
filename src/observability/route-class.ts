/**
 * The few kinds of routes Packyard serves, as a metrics label and a log field. A bounded set
 * (never the raw path) keeps the number of time series fixed whatever clients ask for.
 */
export type RouteClass =
  'composer_metadata' | 'composer_dist' | 'admin_api' | 'webhook' | 'health' | 'metrics' | 'docs' | 'other';

export function routeClassOf(url: string | undefined): RouteClass {
  if (!url) return 'other';
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  if (path === '/packages.json' || path.startsWith('/p2/')) return 'composer_metadata';
  if (path.startsWith('/dists/')) return 'composer_dist';
  if (path.startsWith('/api/')) return 'admin_api';
  if (path.startsWith('/webhooks/')) return 'webhook';
  if (path === '/health' || path.startsWith('/health/')) return 'health';
  if (path === '/metrics') return 'metrics';
  if (path === '/docs' || path.startsWith('/docs/') || path.startsWith('/docs-')) return 'docs';
  return 'other';
}
