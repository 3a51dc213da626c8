import type { Breakdown, Compared, Percentiles } from '../analytics.types';
import { quantile } from '../facts/histogram';

/** One aggregated rollup row of a KPI query: a metric's count/total in one period, by dimensions. */
export interface KpiRow {
  metric: string;
  channel: string;
  provider: string;
  status: string;
  event_type: string;
  source: string;
  workflow: string;
  bucket: number;
  current: boolean;
  count: string;
  total: string;
}

type Key = 'channel' | 'provider' | 'status' | 'event_type' | 'source' | 'workflow';

/** Sums and breakdowns over the rows of the current and the previous period. */
export class KpiRows {
  constructor(private readonly rows: KpiRow[]) {}

  private pick(metrics: string[], current: boolean): KpiRow[] {
    return this.rows.filter((r) => r.bucket === -1 && r.current === current && metrics.includes(r.metric));
  }

  sum(metrics: string[], field: 'count' | 'total' = 'count'): Compared {
    const add = (current: boolean) => this.pick(metrics, current).reduce((s, r) => s + Number(r[field]), 0);
    return { value: add(true), previous: add(false) };
  }

  breakdown(metrics: string[], key: Key): Breakdown[] {
    const map = new Map<string, Breakdown>();
    for (const current of [true, false])
      for (const r of this.pick(metrics, current)) {
        const k = r[key] || 'unknown';
        const b = map.get(k) ?? { key: k, value: 0, previous: 0 };
        if (current) b.value += Number(r.count);
        else b.previous += Number(r.count);
        map.set(k, b);
      }
    return [...map.values()].sort(
      (a, b) => b.value - a.value || b.previous - a.previous || a.key.localeCompare(b.key),
    );
  }

  percentiles(metric: string): Percentiles {
    const hist = (current: boolean) => {
      const h = new Map<number, number>();
      for (const r of this.rows)
        if (r.metric === metric && r.bucket >= 0 && r.current === current)
          h.set(r.bucket, (h.get(r.bucket) ?? 0) + Number(r.count));
      return h;
    };
    const [now, before] = [hist(true), hist(false)];
    return {
      p50: { value: quantile(now, 0.5), previous: quantile(before, 0.5) },
      p90: { value: quantile(now, 0.9), previous: quantile(before, 0.9) },
    };
  }
}

/** a / b for both periods; null where b is 0. */
export function ratio(a: Compared, b: Compared): Compared {
  const r = (x: number | null, y: number | null) => (x === null || !y ? null : x / y);
  return { value: r(a.value, b.value), previous: r(a.previous, b.previous) };
}
