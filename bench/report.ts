/** Formatting of the results: one table, then one line per target. Reports; never fails the run. */
import { LoadResult } from './load';

export interface ScenarioRow {
  name: string;
  packyard: LoadResult;
  baseline: LoadResult;
  /** Minimum packyard/baseline requests-per-second ratio, when the scenario has a target. */
  minRatio?: number;
}

export interface DbWork {
  tableScans: number;
  rowsRead: number;
  transactions: number;
}

export interface DbLine extends DbWork {
  scenario: string;
  requests: number;
  /** Most table scans per request still counted as "no query per request". */
  maxPerRequest?: number;
}

export interface CustomerScaling {
  few: { customers: number; results: LoadResult[] };
  many: { customers: number; results: LoadResult[] };
  tolerance: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISSED');
const fmtRate = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
const fmtMs = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '-');
const fmtCpu = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '-');

function table(header: string[], rows: string[][], rightAligned: boolean[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (rightAligned[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

export function formatReport(rows: ScenarioRow[], db: DbLine[], scaling: CustomerScaling): string {
  const out: string[] = [];
  const header = ['scenario', 'packyard req/s', 'p50 ms', 'p99 ms', 'cpu us/req', 'baseline req/s', 'p50 ms', 'p99 ms', 'cpu us/req', 'ratio', 'target'];
  const cells = rows.map((row) => {
    const ratio = row.packyard.requestsPerSecond / row.baseline.requestsPerSecond;
    const invalid = row.packyard.unexpected > 0 || row.baseline.unexpected > 0;
    const target = invalid
      ? 'INVALID (see below)'
      : row.minRatio === undefined
        ? '(report only)'
        : `>= ${row.minRatio.toFixed(2)} ${verdict(ratio >= row.minRatio)}`;
    return [
      row.name,
      fmtRate(row.packyard.requestsPerSecond),
      fmtMs(row.packyard.p50Ms),
      fmtMs(row.packyard.p99Ms),
      fmtCpu(row.packyard.serverCpuMicros),
      fmtRate(row.baseline.requestsPerSecond),
      fmtMs(row.baseline.p50Ms),
      fmtMs(row.baseline.p99Ms),
      fmtCpu(row.baseline.serverCpuMicros),
      ratio.toFixed(2),
      target,
    ];
  });
  out.push(table(header, cells, [false, true, true, true, true, true, true, true, true, true, false]));
  for (const row of rows) {
    for (const [who, result] of [['packyard', row.packyard], ['baseline', row.baseline]] as const) {
      if (result.problems.length) out.push(`  ! ${row.name} (${who}): unexpected answers: ${result.problems.join(', ')}`);
    }
  }

  out.push('');
  out.push('Database work per Packyard phase (counters read before/after each phase once they settle): "queries" = scans of the');
  out.push('app\'s tables (pg_stat_user_tables seq_scan+idx_scan; any statement that reads or writes them makes one), "xacts" =');
  out.push('pg_stat_database xact_commit+xact_rollback (also counts autovacuum on a shared server). The server\'s timers (token');
  out.push('last_used_at flush every 30 s, expiry sweep every 60 s) add a few per phase; a query per request would add thousands.');
  for (const line of db) {
    const perRequest = line.tableScans / Math.max(1, line.requests);
    const target = line.maxPerRequest === undefined ? '(report only)' : `target < ${line.maxPerRequest}/request: ${verdict(perRequest < line.maxPerRequest)}`;
    out.push(
      `  ${line.scenario.padEnd(22)} ${String(line.tableScans).padStart(5)} queries (${line.rowsRead} rows), ${String(line.transactions).padStart(4)} xacts ` +
        `over ${line.requests.toLocaleString('en-US').padStart(7)} requests = ${perRequest.toFixed(5)} queries/request  ${target}`,
    );
  }

  const { few, many, tolerance } = scaling;
  const rate = (side: CustomerScaling['few']) => median(side.results.map((r) => r.requestsPerSecond));
  const cpu = (side: CustomerScaling['few']) => median(side.results.map((r) => r.serverCpuMicros));
  const ratio = rate(many) / rate(few);
  const cpuRatio = cpu(many) / cpu(few);
  const describe = (side: CustomerScaling['few']) =>
    `${side.customers.toLocaleString('en-US').padStart(5)} customers: median ${fmtRate(rate(side))} req/s, ${fmtCpu(cpu(side))} cpu us/req ` +
    `(rounds: ${side.results.map((r) => `${fmtRate(r.requestsPerSecond)} req/s p50 ${fmtMs(r.p50Ms)} p99 ${fmtMs(r.p99Ms)}`).join('; ')})`;
  out.push('');
  out.push(`Warm p2 vs number of customers (same customer, package and token; ${few.results.length} alternating rounds, a freshly started server each):`);
  out.push(`  ${describe(few)}`);
  out.push(`  ${describe(many)}`);
  const invalid = [...few.results, ...many.results].some((r) => r.unexpected > 0);
  out.push(
    `  req/s ratio ${many.customers}/${few.customers} = ${ratio.toFixed(3)}  target within ±${Math.round(tolerance * 100)}%: ` +
      (invalid ? 'INVALID (unexpected answers)' : verdict(Math.abs(ratio - 1) <= tolerance)) +
      (Number.isFinite(cpuRatio) ? `   (cpu us/req ratio ${cpuRatio.toFixed(3)}, for reference)` : ''),
  );
  return out.join('\n');
}
