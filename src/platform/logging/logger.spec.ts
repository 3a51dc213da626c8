import { Logger as NestLogger } from '@nestjs/common';
import { createLogger, PinoNestLogger } from './logger';

const PHONE = '5531992953088';
const EMAIL = 'joao.silva@example.com';
const TOKEN = 'EAAGm0PX4ZCpsBAO2xZBq7ZCZAZBZBxyz1234567890abcdef';
const TEXT = 'Quero pagar meu boleto';
const LEAKS = [PHONE, '992953088', 'joao.silva', TOKEN, 'Quero pagar', 'João'];

function capture(level = 'trace') {
  const lines: string[] = [];
  const logger = createLogger({
    level,
    pretty: false,
    name: 'ponte',
    destination: { write: (s) => lines.push(s) },
  });
  const records = () => lines.map((l) => JSON.parse(l) as Record<string, any>);
  const expectNoLeaks = () => {
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) for (const leak of LEAKS) expect(line).not.toContain(leak);
  };
  return { logger, lines, records, expectNoLeaks };
}

describe('createLogger', () => {
  it('writes JSON lines with an ISO timestamp and the logger name', () => {
    const { logger, records } = capture();
    logger.info({ workspaceId: 'ws_1' }, 'channel connected');
    expect(records()[0]).toMatchObject({
      level: 30,
      name: 'ponte',
      workspaceId: 'ws_1',
      msg: 'channel connected',
    });
    expect(records()[0].time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('masks personal data and secrets in the merge object', () => {
    const { logger, records, expectNoLeaks } = capture();
    logger.info(
      {
        message: { from: PHONE, text: { body: TEXT }, contactName: 'João' },
        email: EMAIL,
        accessToken: TOKEN,
      },
      'inbound message',
    );
    expectNoLeaks();
    expect(records()[0]).toMatchObject({
      message: { from: '•••••3088', text: { body: '[TEXT len=22]' }, contactName: 'J•••' },
      email: 'j•••@example.com',
      accessToken: '[REDACTED]',
    });
  });

  it('masks the message string and printf arguments', () => {
    const { logger, records, expectNoLeaks } = capture();
    logger.warn(`delivery failed for ${PHONE} (${EMAIL}) with token ${TOKEN}`);
    logger.info('sending to %s via %j', PHONE, { email: EMAIL });
    expectNoLeaks();
    expect(records()[0].msg).toBe('delivery failed for •••••3088 (j•••@example.com) with token [REDACTED]');
    expect(records()[1].msg).toBe('sending to •••••3088 via {"email":"j•••@example.com"}');
  });

  it('masks Errors logged directly, under err, and their causes', () => {
    const { logger, records, expectNoLeaks } = capture();
    const err = new Error(`Meta rejected ${PHONE}: invalid token ${TOKEN}`, {
      cause: new Error(`contact ${EMAIL} blocked`),
    });
    logger.error(err);
    logger.error({ err, waId: PHONE }, 'send failed');
    logger.error(err, 'send to %s failed', PHONE);
    expectNoLeaks();

    const [direct, nested, withMessage] = records();
    expect(direct.msg).toBe('Meta rejected •••••3088: invalid token [REDACTED]');
    expect(direct.err).toMatchObject({ type: 'Error', message: direct.msg });
    expect(direct.err.stack).toContain('Meta rejected •••••3088');
    expect(direct.err.cause.message).toBe('contact j•••@example.com blocked');
    expect(nested).toMatchObject({ msg: 'send failed', waId: '•••••3088', err: { type: 'Error' } });
    expect(withMessage.msg).toBe('send to •••••3088 failed');
  });

  it('masks child logger bindings but keeps the logger name', () => {
    const { logger, records, expectNoLeaks } = capture();
    const child = logger.child({ conversation: { wa_id: PHONE }, requestId: 'r1' });
    child.info('typing');
    const grandchild = child.child({ email: EMAIL });
    grandchild.setBindings({ contactName: 'João' });
    grandchild.info('typing again');
    expectNoLeaks();
    expect(records()[0]).toMatchObject({
      name: 'ponte',
      conversation: { wa_id: '•••••3088' },
      requestId: 'r1',
    });
    expect(records()[1]).toMatchObject({ email: 'j•••@example.com', contactName: 'J•••', requestId: 'r1' });
  });

  it("masks the output of a child's own serializers", () => {
    const { logger, records, expectNoLeaks } = capture();
    const child = logger.child({}, { serializers: { req: (r: { url: string }) => ({ url: r.url }) } });
    child.info({ req: { url: `/contacts/${PHONE}?token=${TOKEN}` } }, 'request');
    expectNoLeaks();
    expect(records()[0].req).toEqual({ url: '/contacts/•••••3088?token=[REDACTED]' });
  });

  it('masks req/res through the serializers', () => {
    const { logger, records, expectNoLeaks } = capture();
    const req = {
      method: 'GET',
      url: `/webhook?hub.verify_token=${TOKEN}&phone=${PHONE}`,
      headers: { authorization: `Bearer ${TOKEN}`, 'user-agent': 'facebookexternalua' },
      socket: { remoteAddress: '127.0.0.1', remotePort: 1234 },
    };
    logger.info({ req }, 'request');
    logger.info({ req: null, res: `sent to ${PHONE}` }, 'odd values');
    expectNoLeaks();
    expect(records()[1]).toMatchObject({ req: null, res: 'sent to •••••3088' });
    expect(records()[0].req).toMatchObject({
      method: 'GET',
      url: '/webhook?hub.verify_token=[REDACTED]&phone=•••••3088',
      headers: { authorization: '[REDACTED]', 'user-agent': 'facebookexternalua' },
    });
  });
});

describe('PinoNestLogger', () => {
  it('maps Nest levels and puts the context in a field', () => {
    const { logger, records, expectNoLeaks } = capture();
    const nest = new PinoNestLogger(logger);
    nest.log(`contact ${PHONE} created`, 'ContactsService');
    nest.warn({ email: EMAIL, attempts: 3 }, 'Outbound');
    nest.debug('debug line');
    nest.verbose('verbose line', 'Ctx');
    nest.fatal('fatal line', 'Ctx');
    expectNoLeaks();
    expect(records().map((r) => [r.level, r.msg, r.context])).toEqual([
      [30, 'contact •••••3088 created', 'ContactsService'],
      [40, undefined, 'Outbound'],
      [20, 'debug line', undefined],
      [10, 'verbose line', 'Ctx'],
      [60, 'fatal line', 'Ctx'],
    ]);
    expect(records()[1]).toMatchObject({ email: 'j•••@example.com', attempts: 3 });
  });

  it("logs Nest's per-route bootstrap lines at debug, its application lines at info", () => {
    const { logger, records } = capture();
    const nest = new PinoNestLogger(logger);
    nest.log('Mapped {/v1/sources, POST} route', 'RouterExplorer');
    nest.log('SourcesController {/v1/sources}:', 'RoutesResolver');
    nest.log('Nest application successfully started', 'NestApplication');
    expect(records().map((r) => r.level)).toEqual([20, 20, 30]);
  });

  it("follows ConsoleLogger's error(message, stack, context) convention", () => {
    const { logger, records, expectNoLeaks } = capture();
    const nest = new PinoNestLogger(logger);
    const err = new Error(`webhook from ${PHONE} failed`);
    nest.error(err.message, err.stack, 'WebhookController');
    nest.error('only context', 'Bootstrap');
    nest.error('only stack', err.stack);
    nest.error(err);
    expectNoLeaks();
    const [withStack, withContext, stackOnly, errorObject] = records();
    expect(withStack).toMatchObject({
      level: 50,
      msg: 'webhook from •••••3088 failed',
      context: 'WebhookController',
    });
    expect(withStack.stack).toContain('webhook from •••••3088 failed');
    expect(withContext).toMatchObject({ msg: 'only context', context: 'Bootstrap' });
    expect(withContext.stack).toBeUndefined();
    expect(stackOnly.context).toBeUndefined();
    expect(stackOnly.stack).toContain('at ');
    expect(errorObject).toMatchObject({ msg: 'webhook from •••••3088 failed', err: { type: 'Error' } });
  });

  it('receives the logs of Nest Logger instances and honours setLogLevels', () => {
    const { logger, records } = capture('info');
    const nest = new PinoNestLogger(logger);
    NestLogger.overrideLogger(nest);
    try {
      new NestLogger('ContactsService').log(`mapped for ${EMAIL}`);
      nest.debug('hidden at info');
      nest.setLogLevels(['debug', 'log', 'error']);
      nest.debug('visible now');
    } finally {
      NestLogger.overrideLogger(true);
    }
    expect(records().map((r) => [r.msg, r.context])).toEqual([
      ['mapped for j•••@example.com', 'ContactsService'],
      ['visible now', undefined],
    ]);
  });
});
