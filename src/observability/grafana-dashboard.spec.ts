import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Metrics } from './metrics.service';

interface Panel {
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { uid: string };
  targets?: Array<{ expr: string }>;
}

/** deploy/grafana/packyard.json must keep pointing at metrics that exist, or its panels go blank. */
describe('Grafana dashboard', () => {
  const dashboard = JSON.parse(
    readFileSync(join(__dirname, '..', '..', 'deploy', 'grafana', 'packyard.json'), 'utf8'),
  ) as {
    uid: string;
    panels: Panel[];
    templating: { list: Array<{ name: string; type: string }> };
  };
  const queries = dashboard.panels.filter((panel) => panel.type !== 'row');

  it('queries only metrics Packyard exports', async () => {
    const exported = new Set((await new Metrics().registry.getMetricsAsJSON()).map((metric) => metric.name));
    const used = new Set(
      queries.flatMap((panel) =>
        (panel.targets ?? []).flatMap((target) => target.expr.match(/packyard_[a-z0-9_]+/g) ?? []),
      ),
    );
    const unknown = [...used].filter(
      (name) => !exported.has(name) && !exported.has(name.replace(/_(bucket|sum|count)$/, '')),
    );
    expect(unknown).toEqual([]);
    expect(used.size).toBeGreaterThan(10);
  });

  it('asks for its Prometheus data source on import and uses it everywhere', () => {
    expect(dashboard.templating.list.find((variable) => variable.name === 'datasource')?.type).toBe('datasource');
    for (const panel of queries)
      expect({ panel: panel.title, uid: panel.datasource?.uid }).toEqual({ panel: panel.title, uid: '${datasource}' });
  });

  it('lays panels out on the 24-column grid without overlaps', () => {
    const cells = new Set<string>();
    for (const panel of dashboard.panels) {
      const { x, y, w, h } = panel.gridPos;
      expect(x + w).toBeLessThanOrEqual(24);
      for (let row = y; row < y + h; row += 1) {
        for (let column = x; column < x + w; column += 1) {
          const cell = `${row}:${column}`;
          expect(cells.has(cell) ? `${panel.title} overlaps at ${cell}` : '').toBe('');
          cells.add(cell);
        }
      }
    }
  });
});
