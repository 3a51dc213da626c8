import { JobQueue } from '../../src/platform/queue/job-queue.service';
import { QueueName } from '../../src/platform/queue/queue.registry';
import { waitFor } from '../support/private-redis';
import { startTestApp, TestApp } from '../support/test-app';

describe('notification priorities', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { WORKER_CONCURRENCY: '1', RATE_LIMIT_PER_MINUTE: '100000' } });
  });
  afterAll(() => t.close());

  it('high overtakes normal and low already waiting', async () => {
    const queue = t.app.get(JobQueue).queue(QueueName.Notifications);
    await queue.pause();
    const send = (priority: string, i: number) =>
      t
        .http()
        .post('/v1/notifications')
        .set(t.auth())
        .send({
          to: { phone: `+5531980000${String(100 + i)}` },
          channels: ['sms'],
          content: { body: priority },
          priority,
        });
    let i = 0;
    for (const p of ['low', 'low', 'normal', 'normal', 'high', 'high'])
      expect((await send(p, i++)).status).toBe(202);
    await queue.resume();
    const messages = await waitFor(
      async () => {
        const data = (await t.http().get('/v1/sandbox/messages?channel=sms').set(t.auth())).body.data;
        return data.length === 6 && (data as Array<{ text: string }>);
      },
      15_000,
      'six sandbox messages',
    );
    // the sandbox lists newest first: the order of sending is the reverse
    expect(messages.map((m) => m.text).reverse()).toEqual(['high', 'high', 'normal', 'normal', 'low', 'low']);
  });
});
