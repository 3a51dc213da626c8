import type { Job } from 'bullmq';
import { AlertEvaluator } from '../../src/analytics/alerts/alert-evaluator';
import { JobQueue } from '../../src/platform/queue/job-queue.service';
import { QueueName } from '../../src/platform/queue/queue.registry';
import { FakeDiscord } from '../fakes/discord';
import { FakeSlack } from '../fakes/slack';
import { TestApp } from '../support/test-app';
import { startListeningApp, workspaceHarness } from '../support/workspace-harness';

/** Long enough for an in-flight background tick to have finished. */
const settle = () => new Promise((r) => setTimeout(r, 300));

describe('alerts: rules, hysteresis, Slack and Discord posts', () => {
  let t: TestApp;
  const slack = new FakeSlack();
  const discord = new FakeDiscord();

  beforeAll(async () => {
    await Promise.all([slack.start(), discord.start()]);
    t = await startListeningApp();
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([slack.stop(), discord.stop()]);
  });

  it('"retry queue > 100 for 1 minute": one firing and one resolved post at each fake, nothing in between', async () => {
    const ws = await workspaceHarness(t);
    const created = await ws.post('/v1/alerts/rules', {
      preset: 'retry-queue-over-100',
      channels: [
        { type: 'slack', url: slack.webhookUrl },
        { type: 'discord', url: discord.webhookUrl },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      metric: 'queue.retrying',
      condition: 'gt',
      threshold: 100,
      window: 'PT1M',
      state: 'ok',
    });
    const ruleId = created.body.id as string;
    const evaluator = t.app.get(AlertEvaluator);
    const tick = async () => {
      await evaluator.tick();
      await settle();
    };
    const state = async () => (await ws.get(`/v1/alerts/rules/${ruleId}`)).body.state as string;
    const posts = () => [slack.received().length, discord.received().length];

    await tick();
    expect(await state()).toBe('ok');

    // 101 jobs waiting for a retry (delayed an hour: they stay put while the clock moves).
    const queue = t.app.get(JobQueue).queue(QueueName.Maintenance);
    const jobs: Job[] = await queue.addBulk(
      Array.from({ length: 101 }, (_, i) => ({
        name: 'analytics.alerts-tick',
        data: {},
        opts: { delay: 3_600_000, jobId: `retry-probe-${i}` },
      })),
    );
    await tick();
    expect(await state()).toBe('pending');
    t.clock.advance(30_000);
    await tick();
    expect(await state()).toBe('pending');
    expect(posts()).toEqual([0, 0]);
    t.clock.advance(31_000);
    await tick();
    expect(await state()).toBe('firing');
    await slack.waitForRequests(1);
    await discord.waitForRequests(1);
    // still above 100 for minutes: nothing more
    for (let i = 0; i < 3; i++) {
      t.clock.advance(60_000);
      await tick();
    }
    expect(posts()).toEqual([1, 1]);

    for (const job of jobs) await job.remove();
    await tick();
    expect(await state()).toBe('resolving');
    t.clock.advance(30_000);
    await tick();
    expect(posts()).toEqual([1, 1]);
    t.clock.advance(31_000);
    await tick();
    expect(await state()).toBe('ok');
    await slack.waitForRequests(2);
    await discord.waitForRequests(2);
    t.clock.advance(120_000);
    await tick();
    expect(posts()).toEqual([2, 2]);

    const [fired, resolved] = slack.received();
    expect(fired.text).toMatch(/FIRING.*queue\.retrying > 100 for PT1M \(now 10\d\)/);
    expect(fired.blocks?.length).toBeGreaterThan(0);
    expect(resolved.text).toMatch(/RESOLVED/);
    const [dFired, dResolved] = discord.received();
    expect(dFired.content).toMatch(/FIRING/);
    expect(dFired.embeds?.[0]).toMatchObject({ title: 'Retry queue above 100', color: 0xd93025 });
    expect(dResolved.embeds?.[0]).toMatchObject({ color: 0x1e8e3e });

    const history = (await ws.get(`/v1/alerts/events?ruleId=${ruleId}`)).body.data as Array<{
      kind: string;
      notified: unknown;
    }>;
    expect(history.map((e) => e.kind).sort()).toEqual(['firing', 'resolved']);
    for (const e of history)
      expect(e.notified).toEqual([
        { type: 'slack', ok: true },
        { type: 'discord', ok: true },
      ]);
  });

  it('validates rules, updates and deletes them, and keeps them to their workspace', async () => {
    const ws = await workspaceHarness(t);
    const other = await workspaceHarness(t);
    const slackChannel = [{ type: 'slack', url: slack.webhookUrl }];
    const bad = async (body: object, status: number, code: string) => {
      const res = await ws.post('/v1/alerts/rules', body);
      expect(res.status).toBe(status);
      expect(res.body.code).toBe(code);
    };
    await bad(
      { metric: 'queue.retrying', condition: 'gt', threshold: 1, window: 'soon', channels: slackChannel },
      422,
      'ALERT_WINDOW_INVALID',
    );
    await bad(
      { metric: 'cpu.temperature', condition: 'gt', threshold: 1, window: 'PT1M', channels: slackChannel },
      422,
      'ALERT_METRIC_UNKNOWN',
    );
    await bad({ metric: 'queue.retrying', channels: slackChannel }, 400, 'VALIDATION_FAILED');
    await bad(
      { preset: 'backup-failed', channels: [{ type: 'email', to: ['not-an-email'] }] },
      400,
      'VALIDATION_FAILED',
    );
    await bad({ preset: 'backup-failed', channels: [{ type: 'slack' }] }, 400, 'VALIDATION_FAILED');
    await bad({ preset: 'nope', channels: slackChannel }, 400, 'VALIDATION_FAILED');

    const rule = (
      await ws.post('/v1/alerts/rules', { preset: 'error-rate-over-5-percent', channels: slackChannel })
    ).body;
    expect(rule).toMatchObject({
      metric: 'messages.error_rate',
      threshold: 0.05,
      preset: 'error-rate-over-5-percent',
    });
    const patched = await t
      .http()
      .patch(`/v1/alerts/rules/${rule.id}`)
      .set(t.auth(ws.key))
      .send({ threshold: 0.1, window: 'PT10M' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ threshold: 0.1, window: 'PT10M' });
    expect((await other.get(`/v1/alerts/rules/${rule.id}`)).status).toBe(404);
    expect((await t.http().delete(`/v1/alerts/rules/${rule.id}`).set(t.auth(other.key))).status).toBe(404);
    expect((await other.get('/v1/alerts/rules')).body.data).toEqual([]);
    expect((await t.http().delete(`/v1/alerts/rules/${rule.id}`).set(t.auth(ws.key))).status).toBe(204);
    expect((await ws.get(`/v1/alerts/rules/${rule.id}`)).status).toBe(404);
  });
});
