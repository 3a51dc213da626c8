import { Worker } from 'bullmq';
import IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import {
  NOTIFICATION_JOB_BATCH,
  NotificationJobData,
} from '../../src/notifications/sending/notification-jobs';
import { NotificationSender } from '../../src/notifications/sending/notification-sender';
import { NotificationsService } from '../../src/notifications/sending/notifications.service';
import { JobQueue } from '../../src/platform/queue/job-queue.service';
import { QueueName } from '../../src/platform/queue/queue.registry';
import { waitFor } from '../support/private-redis';
import { newWorkspaceCaller } from '../support/service-caller';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The API enqueues the notifications a flush stored due now as batch jobs (`ntb-<uuid>`, up to
 * NOTIFICATION_JOB_BATCH each), not a job each. The relay treats a held batch job (or one that
 * completed: it deferred them) as each one's own job; a batch job gone (Redis wiped) or failed
 * leaves each unsent notification to a job of its own. Scheduled ones keep a delayed job each.
 */
describe('notifications carried by batch jobs (service)', () => {
  let t: TestApp;
  let db: DataSource;
  let caller: Awaited<ReturnType<typeof newWorkspaceCaller>>['caller'];

  beforeAll(async () => {
    // no worker of its own: the jobs stay where the API put them until the test runs them
    t = await startTestApp({ env: { APP_ROLE: 'api' } });
    db = t.app.get(DataSource);
    ({ caller } = await newWorkspaceCaller(t, 'ntb'));
  });
  afterAll(() => t?.close());

  const queue = () => t.app.get(JobQueue).queue(QueueName.Notifications);
  let phone = 10_000_000;
  const sendAll = async (n: number, extra: Record<string, unknown> = {}) =>
    (
      await Promise.all(
        Array.from({ length: n }, (_, i) =>
          t.app.get(NotificationsService).send(caller, {
            to: { phone: `+55319${phone++}` },
            channels: ['whatsapp'],
            content: { body: `Olá ${i}` },
            ...extra,
          } as never),
        ),
      )
    ).map((a) => a.id);
  const carriers = async (ids: string[]) =>
    (
      await db.query<Array<{ job_id: string | null }>>(
        'SELECT job_id FROM notifications WHERE id = ANY($1::uuid[])',
        [ids],
      )
    ).map((r) => r.job_id);
  /** The relay as a worker runs it, on rows older than its grace. */
  const relay = async (ids: string[]) => {
    await db.query(
      `UPDATE notifications SET updated_at = now() - interval '2 minutes' WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return t.app.get(NotificationsService).relayPending(60);
  };
  const ownJobs = async (ids: string[]) =>
    (await Promise.all(ids.map((id) => queue().getJob(`ntf-${id}-0`)))).filter(Boolean).length;
  const settled = (ids: string[]) =>
    db.query<Array<{ status: string; attempts: number }>>(
      'SELECT status, attempts FROM notifications WHERE id = ANY($1::uuid[]) ORDER BY id',
      [ids],
    );
  const called = (rows: Array<{ status: string; attempts: number }>) =>
    rows.every((r) => ['sent', 'delivered'].includes(r.status) && r.attempts === 1);
  const run = (data: NotificationJobData) => t.app.get(NotificationSender).send(data);

  it('a flush of notifications due now is a few jobs carrying them all, each sent once', async () => {
    const ids = await sendAll(NOTIFICATION_JOB_BATCH + 10);

    const jobIds = [...new Set(await carriers(ids))];
    expect(jobIds.every((id) => id?.startsWith('ntb-'))).toBe(true);
    const jobs = await waitFor(
      async () => {
        const found = await Promise.all(jobIds.map((id) => queue().getJob(id!)));
        return found.every(Boolean) ? found : undefined;
      },
      10_000,
      'the batch jobs',
    );
    const carried = jobs.flatMap((j) => (j!.data as { notificationIds: string[] }).notificationIds);
    expect(carried.sort()).toEqual([...ids].sort());
    expect(
      jobs.every(
        (j) => (j!.data as { notificationIds: string[] }).notificationIds.length <= NOTIFICATION_JOB_BATCH,
      ),
    ).toBe(true);
    expect(jobs.length).toBeLessThan(ids.length / 3); // a job each would be 60
    expect(jobs.every((j) => j!.opts.priority === 5)).toBe(true); // normal
    expect(await ownJobs(ids)).toBe(0);

    // waiting: the relay adds nothing
    expect(await relay(ids)).toBe(0);
    expect(await ownJobs(ids)).toBe(0);

    // a worker runs the jobs: every notification sent, once
    for (const job of jobs) await run(job!.data as NotificationJobData);
    expect(called(await settled(ids))).toBe(true);
    // a job run again (a worker killed after it finished) makes no call
    await run(jobs[0]!.data as NotificationJobData);
    expect(called(await settled(ids))).toBe(true);
  });

  it('a scheduled notification keeps a delayed job of its own', async () => {
    const [id] = await sendAll(1, { sendAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect(await carriers([id])).toEqual([null]);
    const own = await waitFor(() => queue().getJob(`ntf-${id}-0`), 10_000, 'its own job');
    expect(await own.getState()).toBe('delayed');
  });

  it('a batch job lost (Redis wiped) or failed leaves each to a job of its own; a completed one does not', async () => {
    const lost = await sendAll(3);
    const failed = await sendAll(3);
    const deferred = await sendAll(3);
    // three concurrent requests may share a flush or not: a job or more each
    const [lostJobs, failedJobs, deferredJobs] = await Promise.all(
      [lost, failed, deferred].map(async (ids) => [...new Set(await carriers(ids))] as string[]),
    );
    const states = (jobIds: string[]) => Promise.all(jobIds.map((id) => queue().getJobState(id)));
    await waitFor(
      async () => (await states([...lostJobs, ...failedJobs, ...deferredJobs])).every((s) => s !== 'unknown'),
      10_000,
      'the jobs enqueued',
    );
    for (const id of lostJobs) await queue().remove(id);
    // an old worker took the jobs: one failed, one completed without a call (as a deferral does,
    // leaving a tagged job to hold its notifications)
    const connection = new IORedis(t.config.redis.url, { maxRetriesPerRequest: null });
    const old = new Worker(
      QueueName.Notifications,
      (job) => {
        if (failedJobs.includes(job.id!)) throw new Error('a bug in an old worker');
        return Promise.resolve();
      },
      { connection, prefix: t.config.queue.prefix },
    );
    await waitFor(
      async () =>
        (await states(failedJobs)).every((s) => s === 'failed') &&
        (await states(deferredJobs)).every((s) => s === 'completed'),
      15_000,
      'taken',
    );
    await old.close();
    connection.disconnect();

    expect(await relay([...lost, ...failed, ...deferred])).toBe(6);
    expect(await ownJobs([...lost, ...failed])).toBe(6);
    expect(await ownJobs(deferred)).toBe(0);
    for (const id of [...lost, ...failed]) {
      const own = await queue().getJob(`ntf-${id}-0`);
      await run(own!.data as NotificationJobData);
    }
    expect(called(await settled([...lost, ...failed]))).toBe(true);
  });
});
