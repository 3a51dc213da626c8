import { ProbeModule } from '../support/probe.module';
import { rawRequest } from '../support/raw-http';
import { startTestApp, TestApp } from '../support/test-app';

describe('HTTP conventions (problem+json, validation, parsing, limits)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ imports: [ProbeModule], env: { HTTP_BODY_LIMIT: String(64 * 1024) } });
  });
  afterAll(() => t.close());

  const expectProblem = (
    res: { status: number; headers: Record<string, string>; body: any },
    status: number,
    code: string,
  ) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, code, type: expect.any(String), title: expect.any(String) });
    expect(JSON.stringify(res.body)).not.toMatch(/stack|secret_table|SELECT/);
  };

  it('accepts a valid body and transforms it', async () => {
    const res = await t
      .http()
      .post('/v1/probe')
      .send({ name: 'a', to: { phone: '+5531992953088' }, count: 3 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ name: 'a', to: { phone: '+5531992953088' }, count: 3 });
  });

  it('answers 400 VALIDATION_FAILED with dot paths for nested and wrong-typed fields', async () => {
    const res = await t
      .http()
      .post('/v1/probe')
      .send({ name: 5, to: { phone: 'abc' }, count: '3' });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'to.phone', 'count']));
  });

  it('refuses unknown fields (forbidNonWhitelisted), also nested', async () => {
    const res = await t
      .http()
      .post('/v1/probe')
      .send({ name: 'a', to: { phone: '+5531992953088', x: 1 }, count: 1, admin: true });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['admin', 'to.x']));
  });

  it('answers 400 VALIDATION_FAILED for a JSON body that is not an object', async () => {
    const res = await t.http().post('/v1/probe').set('content-type', 'application/json').send('[1,2]');
    expectProblem(res, 400, 'VALIDATION_FAILED');
  });

  it('answers 400 MALFORMED_BODY for malformed JSON', async () => {
    const res = await t
      .http()
      .post('/v1/probe')
      .set('content-type', 'application/json')
      .send('{"name": "a",');
    expectProblem(res, 400, 'MALFORMED_BODY');
  });

  it('answers 400 MALFORMED_BODY for deeply nested JSON and for invalid UTF-8', async () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    expectProblem(
      await t.http().post('/v1/probe').set('content-type', 'application/json').send(deep),
      400,
      'MALFORMED_BODY',
    );
    const bad = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const res = await rawRequest(t.app.getHttpServer(), {
      path: '/v1/probe',
      headers: { 'content-type': 'application/json' },
      body: bad,
    });
    expectProblem(res, 400, 'MALFORMED_BODY');
    expect(res.body.detail).toMatch(/UTF-8/);
  });

  it('refuses prototype pollution attempts', async () => {
    const res = await t
      .http()
      .post('/v1/probe')
      .set('content-type', 'application/json')
      .send('{"__proto__":{"admin":true}}');
    expectProblem(res, 400, 'MALFORMED_BODY');
  });

  it('answers 413 PAYLOAD_TOO_LARGE over the body cap', async () => {
    const res = await t
      .http()
      .post('/v1/probe')
      .send({ name: 'x'.repeat(100 * 1024), to: { phone: '+5531992953088' }, count: 1 });
    expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers 415 UNSUPPORTED_MEDIA_TYPE for form, text and XML bodies on the API', async () => {
    expectProblem(
      await t.http().post('/v1/probe').type('form').send('name=a'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expectProblem(
      await t.http().post('/v1/probe').set('content-type', 'text/plain').send('hello'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expectProblem(
      await t.http().post('/v1/probe').set('content-type', 'application/xml').send('<a/>'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('answers 404 NOT_FOUND problem+json for unknown routes', async () => {
    expectProblem(await t.http().get('/v1/nothing-here'), 404, 'NOT_FOUND');
  });

  it('answers 500 INTERNAL without leaking the error', async () => {
    expectProblem(await t.http().get('/v1/probe/boom'), 500, 'INTERNAL');
  });

  it('sets a request id and security headers', async () => {
    const res = await t.http().get('/health');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});
