import pg from 'pg';
import { DataSource } from 'typeorm';
import { FakeMetaGraph } from '../fakes/meta-graph';
import { waitFor } from '../support/private-redis';
import { TestApp } from '../support/test-app';
import { startListeningApp, workspaceHarness } from '../support/workspace-harness';

const META = { accessToken: 'EAAG-batch-token', phoneNumberId: '5006' };
const N = 60;
/** Statements on the workflow tables (and the contacts the scope and `contact.tag` touch). */
const WORKFLOW_TABLES = /\b(workflows|workflow_versions|workflow_executions|workflow_step_runs|contacts)\b/;

/**
 * N `lead.created` events at once through the built-in `lead-welcome` workflow (notify +
 * `contact.tag`): the concurrently running jobs share their statements on the workflow tables.
 * Every statement the app sends to PostgreSQL is counted on the way out (pg's Client, the real
 * database behind it); one execution took about 20 such statements before batching.
 */
describe('workflow stage batched across concurrent jobs', () => {
  let t: TestApp;
  const meta = new FakeMetaGraph(META);
  const original = pg.Client.prototype.query;
  let counting = false;
  const statements: string[] = [];

  beforeAll(async () => {
    await meta.start();
    t = await startListeningApp();
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string })?.text;
      if (counting && text) statements.push(text);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as never;
  });
  afterAll(async () => {
    pg.Client.prototype.query = original;
    await t?.close();
    await meta.stop();
  });

  it(`${N} lead.created → ${N} executions, each step once, in far fewer statements than ${N} × one alone`, async () => {
    const ws = await workspaceHarness(t);
    await ws.provider({
      channel: 'whatsapp',
      kind: 'meta',
      name: 'Meta',
      config: { ...META, baseUrl: meta.url },
    });
    const wf = (await ws.post('/v1/workflows/from-template', { template: 'lead-welcome' })).body;
    const db = t.app.get(DataSource);
    const phones = Array.from({ length: N }, (_, i) => `+55319${String(81000000 + i)}`);

    counting = true;
    const accepted = await Promise.all(
      phones.map((phone, i) =>
        ws.post('/v1/events', {
          type: 'lead.created',
          data: { name: `Lead ${i}`, phone, utm_campaign: 'batch' },
        }),
      ),
    );
    expect(accepted.map((r) => r.status)).toEqual(phones.map(() => 202));
    await waitFor(
      async () => {
        const [row]: Array<{ n: number }> = await db.query(
          `SELECT /* probe */ count(*)::int AS n FROM workflow_executions WHERE workflow_id = $1 AND status = 'succeeded'`,
          [wf.id],
        );
        return row.n === N;
      },
      120_000,
      `${N} executions succeeded`,
    );
    counting = false;

    const workflowStatements = statements.filter(
      (s) => WORKFLOW_TABLES.test(s) && !s.includes('/* probe */'),
    ).length;
    // Before batching 60 executions took 1,233 such statements (20.6 each: trigger lookup,
    // cancelMatching, five contact lookups, insert, load, lease, step-run read, a lease renewal, a
    // mark and a succeed per step, the tag, the finish); batched, 151.
    expect(workflowStatements).toBeLessThan(N * 5);

    const runs: Array<{ step_id: string; status: string; attempts: number; n: number }> = await db.query(
      `SELECT r.step_id, r.status, r.attempts, count(*)::int AS n FROM workflow_step_runs r
         JOIN workflow_executions e ON e.id = r.execution_id WHERE e.workflow_id = $1
       GROUP BY 1, 2, 3 ORDER BY 1`,
      [wf.id],
    );
    expect(runs).toEqual([
      { step_id: 'tag-campaign', status: 'succeeded', attempts: 1, n: N },
      { step_id: 'welcome', status: 'succeeded', attempts: 1, n: N },
    ]);
    const tagged: Array<{ n: number }> = await db.query(
      `SELECT count(*)::int AS n FROM contacts WHERE workspace_id = $1 AND tags = ARRAY['lead', 'utm:batch']`,
      [
        wf.workspaceId ??
          (await db.query('SELECT workspace_id FROM workflows WHERE id = $1', [wf.id]))[0].workspace_id,
      ],
    );
    expect(tagged[0].n).toBe(N);
    // The tag step makes each new contact with its tags: no UPDATE of the tags after the INSERT.
    expect(statements.filter((s) => /^\s*UPDATE contacts/.test(s))).toEqual([]);
    await waitFor(async () => meta.sentMessages().length >= N, 60_000, 'every welcome at the provider');
    const to = meta.sentMessages().map((m) => m.to.replace('+', ''));
    expect(new Set(to).size).toBe(N);
    expect(to).toHaveLength(N);
  }, 180_000);
});
