import nodemailer from 'nodemailer';
import { FakeSmtp } from './smtp';

const USER = 'ponte@relay.test';
const PASS = 's3cret';
const smtp = new FakeSmtp({ user: USER, pass: PASS });
let port: number;

beforeAll(async () => {
  ({ port } = await smtp.start());
});
afterEach(() => smtp.reset());
afterAll(async () => {
  await smtp.stop();
});

/** The real client, configured as providers.md §7.2/7.3 describe for a plain-text relay. */
function transport(auth: { user: string; pass: string } | null = { user: USER, pass: PASS }) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    auth: auth ?? undefined,
  });
}

const mail = (to: string | string[] = 'maria@example.com.br') => ({
  from: '"Ponte" <no-reply@ponte.test>',
  to,
  subject: 'Sua consulta foi confirmada',
  text: 'Olá Maria, até amanhã às 15h.',
  html: '<p>Olá <b>Maria</b>, até amanhã às 15h.</p>',
});

/** What sendMail rejected with (nodemailer adds code, responseCode, response, command). */
async function failure(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Record<string, unknown>;
}

describe('FakeSmtp through nodemailer', () => {
  it('accepts an authenticated message and parses it', async () => {
    const info = await transport().sendMail({
      ...mail(),
      cc: 'recepcao@clinica.com.br',
      bcc: 'audit@ponte.test',
      headers: { 'X-Booking': 'bk_123' },
      attachments: [{ filename: 'agenda.ics', content: 'BEGIN:VCALENDAR', contentType: 'text/calendar' }],
    });
    expect(info.response).toBe('250 OK: message queued');
    expect(info.accepted).toEqual(['maria@example.com.br', 'recepcao@clinica.com.br', 'audit@ponte.test']);

    const [received] = await smtp.waitForMessages(1);
    expect(received).toMatchObject({
      envelope: {
        from: 'no-reply@ponte.test',
        to: ['maria@example.com.br', 'recepcao@clinica.com.br', 'audit@ponte.test'],
      },
      user: USER,
      from: '"Ponte" <no-reply@ponte.test>',
      to: ['maria@example.com.br'],
      cc: ['recepcao@clinica.com.br'],
      subject: 'Sua consulta foi confirmada',
      text: 'Olá Maria, até amanhã às 15h.',
      html: '<p>Olá <b>Maria</b>, até amanhã às 15h.</p>',
      messageId: info.messageId,
    });
    expect(received.headers['x-booking']).toBe('bk_123');
    expect(received.headers.bcc).toBeUndefined(); // bcc lives in the envelope only
    expect(received.attachments).toEqual([
      { filename: 'agenda.ics', contentType: 'text/calendar', content: Buffer.from('BEGIN:VCALENDAR') },
    ]);
    expect(received.raw.toString()).toContain('Subject: Sua consulta foi confirmada');
  });

  it('rejects a wrong password with 535 (EAUTH)', async () => {
    const error = await failure(transport({ user: USER, pass: 'wrong' }).sendMail(mail()));
    expect(error).toMatchObject({
      code: 'EAUTH',
      responseCode: 535,
      response: '535 Invalid username or password',
    });
    expect(smtp.messages()).toEqual([]);
  });

  it('requires authentication before MAIL FROM', async () => {
    const error = await failure(transport(null).sendMail(mail()));
    expect(error).toMatchObject({ responseCode: 530 });
  });

  it('rejects the next recipient permanently with 550, then accepts again', async () => {
    smtp.rejectNext(1, 550, 'Mailbox unavailable');
    const error = await failure(transport().sendMail(mail()));
    expect(error).toMatchObject({ code: 'EENVELOPE', responseCode: 550 });
    expect(String(error.response)).toContain('550 Mailbox unavailable');
    expect(smtp.messages()).toEqual([]);
    expect((await transport().sendMail(mail())).accepted).toEqual(['maria@example.com.br']);
  });

  it('rejects only the next RCPT when a message has several recipients', async () => {
    smtp.rejectNext(1, 550, 'No such user');
    const info = await transport().sendMail(mail(['gone@example.com', 'maria@example.com.br']));
    expect(info.rejected).toEqual(['gone@example.com']);
    expect(info.accepted).toEqual(['maria@example.com.br']);
    expect((await smtp.waitForMessages(1))[0].envelope.to).toEqual(['maria@example.com.br']);
  });

  it('rejects the next message after DATA with a transient 451', async () => {
    smtp.rejectNext(1, 451, 'Try again later', 'data');
    const error = await failure(transport().sendMail(mail()));
    expect(error).toMatchObject({ code: 'EMESSAGE', responseCode: 451 });
    expect(smtp.messages()).toEqual([]);
    await transport().sendMail(mail());
    expect(smtp.messages()).toHaveLength(1);
  });

  it('waits for messages, and times out clearly', async () => {
    const waiting = smtp.waitForMessages(2, 3000);
    await Promise.all([transport().sendMail(mail('a@x.com')), transport().sendMail(mail('b@x.com'))]);
    expect((await waiting).flatMap((m) => m.to).sort()).toEqual(['a@x.com', 'b@x.com']);
    await expect(smtp.waitForMessages(3, 100)).rejects.toThrow('expected 3 message(s) within 100 ms, got 2');
  });

  it('forgets messages and pending rejections on reset', async () => {
    await transport().sendMail(mail());
    smtp.rejectNext(5, 550, 'nope');
    smtp.reset();
    expect(smtp.messages()).toEqual([]);
    await transport().sendMail(mail());
    expect(smtp.messages()).toHaveLength(1);
  });
});

describe('FakeSmtp lifecycle', () => {
  it('refuses a second start and rejects waiters on stop', async () => {
    const other = new FakeSmtp({ user: 'u', pass: 'p' });
    await other.start();
    await expect(other.start()).rejects.toThrow('already started');
    const waiting = other.waitForMessages(1, 5000);
    await other.stop();
    await expect(waiting).rejects.toThrow('stopped');
  });
});
