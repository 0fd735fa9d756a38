/** Formatting of the results: one comparison table, then one line per target. Reports; never fails the run. */
import { LoadResult } from './load';

export interface Comparison {
  scenario: string;
  packyard: LoadResult;
  baselineName: string;
  baseline: LoadResult;
  /** The ratio the target is about: requests/s (default) or bytes/s. */
  per?: 'requests' | 'bytes';
}

export interface Target {
  name: string;
  measured: string;
  met: boolean;
  /** Set when the measurement itself is not trustworthy (unexpected answers). */
  invalid?: string;
}

const fmtRate = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
const fmtMs = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '-');
const fmtCpu = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '-');
const fmtMBs = (n: number) => (Number.isFinite(n) ? (n / 1e6).toFixed(1) : '-');

export function ratioOf(row: Comparison): number {
  return row.per === 'bytes'
    ? row.packyard.bytesPerSecond / row.baseline.bytesPerSecond
    : row.packyard.requestsPerSecond / row.baseline.requestsPerSecond;
}

export function table(header: string[], rows: string[][], rightAligned: boolean[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => (rightAligned[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

export function formatComparisons(rows: Comparison[]): string {
  const header = [
    'scenario',
    'req/s',
    'MB/s',
    'p50 ms',
    'p99 ms',
    'cpu us/req',
    'vs',
    'req/s',
    'MB/s',
    'p50 ms',
    'p99 ms',
    'cpu us/req',
    'ratio',
  ];
  const cells = rows.map((row) => [
    row.scenario,
    fmtRate(row.packyard.requestsPerSecond),
    fmtMBs(row.packyard.bytesPerSecond),
    fmtMs(row.packyard.p50Ms),
    fmtMs(row.packyard.p99Ms),
    fmtCpu(row.packyard.serverCpuMicros),
    row.baselineName,
    fmtRate(row.baseline.requestsPerSecond),
    fmtMBs(row.baseline.bytesPerSecond),
    fmtMs(row.baseline.p50Ms),
    fmtMs(row.baseline.p99Ms),
    fmtCpu(row.baseline.serverCpuMicros),
    `${ratioOf(row).toFixed(2)}${row.per === 'bytes' ? ' (bytes/s)' : ''}`,
  ]);
  const out = [table(header, cells, [false, true, true, true, true, true, false, true, true, true, true, true, true])];
  for (const row of rows) {
    for (const [who, result] of [
      ['packyard', row.packyard],
      [row.baselineName, row.baseline],
    ] as const) {
      if (result.problems.length)
        out.push(`  ! ${row.scenario} (${who}): unexpected answers: ${result.problems.join(', ')}`);
    }
  }
  return out.join('\n');
}

export function formatTargets(targets: Target[]): string {
  const width = Math.max(...targets.map((t) => t.name.length));
  return targets
    .map(
      (t) =>
        `  ${t.name.padEnd(width)}  ${t.invalid ? `INVALID (${t.invalid})` : t.met ? 'MET   ' : 'MISSED'}  ${t.measured}`,
    )
    .join('\n');
}

export { fmtCpu, fmtMs, fmtRate, fmtMBs };
