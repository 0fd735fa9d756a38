import { routeClassOf } from './route-class';

describe('routeClassOf', () => {
  it.each([
    ['/packages.json', 'composer_metadata'],
    ['/p2/acme/widget.json', 'composer_metadata'],
    ['/p2/acme/widget~dev.json', 'composer_metadata'],
    ['/packages.json?x=1', 'composer_metadata'],
    ['/dists/acme/widget/1.0.0.0/abc.zip', 'composer_dist'],
    ['/api/v1/customers', 'admin_api'],
    ['/api/v1/customers/cust_1/packages/acme%2Fwidget', 'admin_api'],
    ['/webhooks/stripe', 'webhook'],
    ['/health', 'health'],
    ['/health/ready', 'health'],
    ['/healthz', 'other'],
    ['/metrics', 'metrics'],
    ['/metrics/x', 'other'],
    ['/docs', 'docs'],
    ['/docs-json', 'docs'],
    ['/', 'other'],
    ['/packages.json.bak', 'other'],
    ['', 'other'],
    [undefined, 'other'],
  ])('%s is %s', (url, expected) => expect(routeClassOf(url)).toBe(expected));
});
