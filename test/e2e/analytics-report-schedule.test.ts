import { ReportSchedules } from '../../src/analytics/reports/report-schedules.service';
import { JobQueue } from '../../src/platform/queue/job-queue.service';
import { FakeSmtp } from '../fakes/smtp';
import { FixedAnalyticsModule } from '../fixtures/fixed-analytics.module';
import { waitFor } from '../support/private-redis';
import { startTestApp, TestApp } from '../support/test-app';

const SMTP = { user: 'reports', pass: 'report-pass-4321' };

/** The weekly report: scheduled per workspace, e-mailed through the workspace's SMTP provider. */
describe('analytics weekly report by e-mail', () => {
  const smtp = new FakeSmtp(SMTP);
  let t: TestApp;
  let otherKey: string;
  const schedule = {
    recipients: ['gestao@clinica.test', 'Financeiro@Clinica.test'],
    format: 'pdf',
    weekday: 'mon',
    hour: 8,
    timeZone: 'America/Sao_Paulo',
  };

  beforeAll(async () => {
    const at = await smtp.start();
    t = await startTestApp({
      env: { RATE_LIMIT_PER_MINUTE: '100000' },
      analyticsQueries: FixedAnalyticsModule,
    });
    // Thursday 3 December 2026, 10:00 in São Paulo.
    t.clock.freeze('2026-12-03T13:00:00Z');
    const provider = await t
      .http()
      .post('/v1/providers')
      .set(t.auth())
      .send({
        channel: 'email',
        kind: 'smtp',
        name: 'SMTP',
        config: { ...at, secure: false, ...SMTP, from: 'Ponte <relatorios@ponte.test>' },
      });
    expect(provider.status).toBe(201);
    const other = await t.http().post('/v1/workspaces').set(t.auth()).send({ name: 'Sem E-mail' });
    otherKey = other.body.adminKey.key as string;
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  const due = () => t.app.get(JobQueue).enqueue('analytics.report-due', {});
  const current = async (key?: string) =>
    (await t.http().get('/v1/analytics/report-schedule').set(t.auth(key))).body;

  it('has no schedule at first (404), then takes one and says when it runs next', async () => {
    const none = await t.http().get('/v1/analytics/report-schedule').set(t.auth());
    expect(none.status).toBe(404);
    expect(none.body.code).toBe('NOT_FOUND');
    const put = await t.http().put('/v1/analytics/report-schedule').set(t.auth()).send(schedule);
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      ...schedule,
      recipients: ['gestao@clinica.test', 'financeiro@clinica.test'],
      enabled: true,
      // Monday 7 December, 08:00 in São Paulo (UTC−3).
      nextRunAt: '2026-12-07T11:00:00.000Z',
      lastSentAt: null,
      lastError: null,
    });
    expect(await current()).toEqual(put.body);
  });

  it('sends nothing before the hour; at the hour, one e-mail per recipient with the previous week as PDF', async () => {
    expect(await t.app.get(ReportSchedules).enqueueDue()).toBe(0);

    t.clock.freeze('2026-12-07T11:00:30Z');
    await due();
    const mails = await smtp.waitForMessages(2, 30_000);
    expect(mails.map((m) => m.to[0]).sort()).toEqual(['financeiro@clinica.test', 'gestao@clinica.test']);
    for (const mail of mails) {
      expect(mail.user).toBe(SMTP.user);
      expect(mail.subject).toBe('Relatório semanal — Default — 30/11/2026 a 06/12/2026');
      expect(mail.text).toContain('de 30/11/2026 a 06/12/2026');
      expect(mail.attachments).toHaveLength(1);
      const [file] = mail.attachments;
      expect(file.filename).toBe('relatorio-2026-11-30_2026-12-06.pdf');
      expect(file.contentType).toBe('application/pdf');
      expect(file.content.subarray(0, 5).toString()).toBe('%PDF-');
    }
    const after = await waitFor(
      async () => {
        const s = await current();
        return s.lastSentAt !== null && s;
      },
      10_000,
      'the run recorded',
    );
    expect(after).toMatchObject({
      lastSentAt: '2026-12-07T11:00:30.000Z',
      nextRunAt: '2026-12-14T11:00:00.000Z',
      lastError: null,
    });

    // The same run offered again sends nothing more.
    await t.app.get(ReportSchedules).send(await defaultWorkspaceId(), new Date('2026-12-07T11:00:00Z'));
    expect(await t.app.get(ReportSchedules).enqueueDue()).toBe(0);
    expect(smtp.messages()).toHaveLength(2);
  });

  it('keeps why a run sent nothing (no e-mail provider) and moves to the next week', async () => {
    t.clock.freeze('2026-12-03T13:00:00Z');
    const put = await t
      .http()
      .put('/v1/analytics/report-schedule')
      .set(t.auth(otherKey))
      .send({ ...schedule, format: 'xlsx' });
    expect(put.body.nextRunAt).toBe('2026-12-07T11:00:00.000Z');
    t.clock.freeze('2026-12-07T11:05:00Z');
    await due();
    const s = await waitFor(
      async () => {
        const body = await current(otherKey);
        return body.lastError !== null && body;
      },
      10_000,
      'the failed run recorded',
    );
    expect(s).toMatchObject({
      lastError: 'no e-mail provider is configured for this workspace',
      lastSentAt: null,
      nextRunAt: '2026-12-14T11:00:00.000Z',
    });
    expect(smtp.messages()).toHaveLength(2);
  });

  it.each([
    ['no recipients', { recipients: [] }],
    ['an address that is not one', { recipients: ['not-an-address'] }],
    ['hour 24', { hour: 24 }],
    ['an unknown weekday', { weekday: 'funday' }],
    ['an unknown time zone', { timeZone: 'Mars/Olympus' }],
    ['an unknown format', { format: 'docx' }],
  ])('refuses %s with 400', async (_what, change) => {
    const res = await t
      .http()
      .put('/v1/analytics/report-schedule')
      .set(t.auth())
      .send({ ...schedule, ...change });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  it('is removed with DELETE (then 404), and needs analytics:write to change', async () => {
    const reader = await t
      .http()
      .post('/v1/api-keys')
      .set(t.auth())
      .send({ name: 'r', scopes: ['analytics:read'] });
    const key = reader.body.key as string;
    expect((await t.http().get('/v1/analytics/report-schedule').set(t.auth(key))).status).toBe(200);
    expect((await t.http().put('/v1/analytics/report-schedule').set(t.auth(key)).send(schedule)).status).toBe(
      403,
    );
    expect((await t.http().delete('/v1/analytics/report-schedule').set(t.auth(key))).status).toBe(403);
    expect((await t.http().delete('/v1/analytics/report-schedule').set(t.auth())).status).toBe(204);
    expect((await t.http().get('/v1/analytics/report-schedule').set(t.auth())).status).toBe(404);
    // The other workspace's schedule is its own, untouched.
    expect((await current(otherKey)).format).toBe('xlsx');
  });

  async function defaultWorkspaceId(): Promise<string> {
    return (await t.http().get('/v1/workspace').set(t.auth())).body.id as string;
  }
});
