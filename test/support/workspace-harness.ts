import { freePort } from './free-port';
import { waitFor } from './private-redis';
import { startTestApp, TestApp } from './test-app';

/**
 * An app listening on a real port named by its PUBLIC_URL, so fake providers can post signed
 * status webhooks to the URL they were given, as the real ones do.
 */
export async function startListeningApp(env: Record<string, string> = {}): Promise<TestApp> {
  const port = await freePort();
  const t = await startTestApp({
    env: {
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      EVENT_RETRY_SCHEDULE: '0,300ms,1s,2s',
      RATE_LIMIT_PER_MINUTE: '100000',
      ...env,
    },
  });
  await t.app.listen(port, '127.0.0.1');
  return t;
}

/** A workspace of its own (its providers are its fallback order), with helpers for sending. */
export async function workspaceHarness(t: TestApp) {
  const res = await t
    .http()
    .post('/v1/workspaces')
    .set(t.auth())
    .send({ name: `ws-${Math.random()}` });
  expect(res.status).toBe(201);
  const key = res.body.adminKey.key as string;
  const post = (path: string, body: object) => t.http().post(path).set(t.auth(key)).send(body);
  const get = (path: string) => t.http().get(path).set(t.auth(key));
  const provider = async (body: object) => {
    const p = await post('/v1/providers', body);
    expect(p.status).toBe(201);
    return p.body as { id: string; config: Record<string, unknown> };
  };
  /** A source of `kind`; answers its public URL (where providers post). */
  const source = async (kind: string, config: object) => {
    const s = await post('/v1/sources', { name: kind, kind, config });
    expect(s.status).toBe(201);
    return s.body.url as string;
  };
  const notification = (id: string) => get(`/v1/notifications/${id}`).then((r) => r.body);
  const until = (id: string, status: string, ms = 15_000) =>
    waitFor(
      async () => {
        const n = await notification(id);
        return n.status === status && n;
      },
      ms,
      `notification ${id} ${status}`,
    );
  const send = async (body: object) => {
    const r = await post('/v1/notifications', body);
    expect(r.status).toBe(202);
    return r.body.id as string;
  };
  const check = async (id: string) => (await post(`/v1/providers/${id}/check`, {})).body;
  return { key, post, get, provider, source, notification, until, send, check };
}
