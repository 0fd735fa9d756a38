import { Histogram, Registry } from 'prom-client';
import { TallyHistogram } from './tally-histogram';

const BOUNDS = [0.001, 0.01, 0.1];

/** The exposition text without the HELP/TYPE lines' differences in order. */
async function text(registry: Registry): Promise<string> {
  return (await registry.metrics()).trim();
}

describe('TallyHistogram', () => {
  it('is exposed exactly as prom-client exposes a Histogram fed the same observations', async () => {
    const observations: Array<[string, number]> = [
      ['a', 0.0005],
      ['a', 0.001], // on a bound: counted in that bucket, as Prometheus' "le" says
      ['a', 0.05],
      ['b', 3],
      ['a', 0.2],
      ['b', 0.01],
    ];
    const ours = new Registry();
    const tally = new TallyHistogram<string>('req_seconds', 'Request time', 'route', BOUNDS, ours);
    const theirs = new Registry();
    const reference = new Histogram({
      name: 'req_seconds',
      help: 'Request time',
      labelNames: ['route'],
      buckets: BOUNDS,
      registers: [theirs],
    });
    for (const [route, seconds] of observations) {
      tally.observe(route, seconds);
      reference.observe({ route }, seconds);
    }
    expect(await text(ours)).toBe(await text(theirs));
    expect(await text(ours)).toContain('req_seconds_bucket{le="0.01",route="a"} 2');
  });

  it('starts over on reset, as the registry resets its metrics', async () => {
    const registry = new Registry();
    const tally = new TallyHistogram<string>('req_seconds', 'Request time', 'route', BOUNDS, registry);
    tally.observe('a', 0.5);
    registry.resetMetrics();
    expect(await text(registry)).toBe('# HELP req_seconds Request time\n# TYPE req_seconds histogram');
  });
});
