import type { AppConfig } from '../src/config/config';
import { ProviderPacer } from '../src/notifications/providers/provider-pacer';
import { MetricsService } from '../src/platform/metrics/metrics.service';
import { RedisConnections } from '../src/platform/queue/redis.connections';

/**
 * The pacer alone, in a process of its own (`node pacer-alone.js <sink url> <sends> <limit>`):
 * 50 callers take turns and post an empty message to the sink, then the pacer's metrics and when
 * each turn was granted are printed. Apart from the sink, whose clock must not stall with the senders' process.
 */
async function main(): Promise<void> {
  const [url, sends, limit] = process.argv.slice(2);
  const prefix = `bench-${Math.random().toString(36).slice(2, 10)}`;
  const config = { redis: { url: 'redis://127.0.0.1:6379' }, queue: { prefix } } as AppConfig;
  const redis = new RedisConnections(config);
  if (redis.client.status !== 'ready') await new Promise((r) => redis.client.once('ready', r));
  const metrics = new MetricsService(undefined as never);
  const pacer = new ProviderPacer(redis, config, metrics);
  let left = Number(sends);
  /** When each turn was granted, by recipient (epoch ms, as the sink times arrivals). */
  const granted: Record<string, number> = {};
  try {
    await Promise.all(
      Array.from({ length: 50 }, async (_, caller) => {
        while (left-- > 0) {
          await pacer.turn('bench-alone', Number(limit));
          const to = `${caller}-${left}`;
          granted[to] = performance.timeOrigin + performance.now();
          const body = JSON.stringify({ to });
          await (await fetch(url, { method: 'POST', body })).arrayBuffer();
        }
      }),
    );
    const names = ['ponte_provider_pace_slots_total', 'ponte_provider_pace_lateness_seconds'];
    const texts = await Promise.all(names.map((name) => metrics.registry.getSingleMetricAsString(name)));
    process.stdout.write(JSON.stringify({ metrics: texts.join('\n'), granted }));
  } finally {
    await redis.client.del(`${prefix}:pace:bench-alone`);
    await redis.onApplicationShutdown();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
