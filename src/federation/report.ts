// The per-source report of a search: every source the caller may see, in config order.
// Sources left out by the `sources` filter are `skipped`; any selected source not `ok` makes it partial.
import type { SourceReport, SourceStatus } from './types.js';

export interface SourceCallResult {
  name: string;
  status: Exclude<SourceStatus, 'skipped'>;
  tookMs: number;
  count: number;
  error?: string;
}

export function buildSourceReports(visible: readonly string[], results: readonly SourceCallResult[]): SourceReport[] {
  const byName = new Map(results.map((result) => [result.name, result]));
  return visible.map((name) => {
    const result = byName.get(name);
    if (!result) return { name, status: 'skipped', took_ms: 0, count: 0 };
    const report: SourceReport = { name, status: result.status, took_ms: Math.round(result.tookMs), count: result.count };
    if (result.error !== undefined) report.error = result.error;
    return report;
  });
}

export function isPartial(results: readonly SourceCallResult[]): boolean {
  return results.some((result) => result.status !== 'ok');
}
