import { Client } from 'pg';
import { waitFor } from './private-redis';
import { startTestApp, TestApp } from './test-app';

/**
 * Two instances of Ponte on one database and one set of queues, and a plain client of that
 * database: what the caches that must forget an entry everywhere at once are tested against.
 * `b` joins `a`'s database (not migrating it again) and queue prefix.
 */
export interface TwoInstances {
  a: TestApp;
  b: TestApp;
  db: Client;
  close(): Promise<void>;
}

export async function startTwoInstances(
  envA: Record<string, string> = {},
  envB: Record<string, string> = {},
): Promise<TwoInstances> {
  const a = await startTestApp({ env: envA });
  const b = await startTestApp({
    databaseUrl: a.databaseUrl,
    env: { ...envB, QUEUE_PREFIX: a.config.queue.prefix, DATABASE_MIGRATE: 'false' },
  });
  const db = new Client({ connectionString: a.databaseUrl });
  await db.connect();
  return {
    a,
    b,
    db,
    close: async () => {
      await db.end();
      await b.close();
      await a.close();
    },
  };
}

/** Posts an event through `a`'s API and waits until it is processed (by whichever runs workers); its id. */
export async function processedEvent(t: TwoInstances, type: string, data: object = {}): Promise<string> {
  const res = await t.a.http().post('/v1/events').set(t.a.auth()).send({ type, data });
  if (res.status !== 202) throw new Error(`POST /v1/events answered ${res.status}`);
  const id = res.body.id as string;
  await waitFor(
    async () => {
      const { rows } = await t.db.query(`SELECT status FROM events WHERE id = $1`, [id]);
      return rows[0]?.status === 'processed';
    },
    60_000,
    'the event processed on B',
  );
  return id;
}
