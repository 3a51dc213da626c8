import { bucketBounds, bucketOfMs, quantile } from './histogram';

describe('duration histograms', () => {
  it('puts every duration in the bucket whose bounds hold it', () => {
    for (const ms of [0, 1, 7, 250, 999, 1000, 12_345, 3_600_000]) {
      const [low, high] = bucketBounds(bucketOfMs(ms));
      expect(ms).toBeGreaterThanOrEqual(Math.floor(low));
      expect(ms).toBeLessThan(Math.ceil(high));
    }
  });

  it('reads quantiles within a bucket of the exact ones', () => {
    const values = Array.from({ length: 1000 }, (_, i) => 100 + i * 37);
    const h = new Map<number, number>();
    for (const v of values) h.set(bucketOfMs(v), (h.get(bucketOfMs(v)) ?? 0) + 1);
    const exact = (q: number) => values[Math.ceil(q * values.length) - 1];
    expect(bucketOfMs(quantile(h, 0.5)!)).toBe(bucketOfMs(exact(0.5)));
    expect(bucketOfMs(quantile(h, 0.9)!)).toBe(bucketOfMs(exact(0.9)));
    expect(quantile(new Map(), 0.5)).toBeNull();
  });
});
