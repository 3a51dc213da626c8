// A real SMTP server (smtp-server) on loopback that Ponte's nodemailer transport talks to as to a relay:
// plain text (STARTTLS disabled, so no self-signed certificate gets in the way), AUTH PLAIN/LOGIN required
// with the configured credentials, every accepted message parsed with mailparser (providers.md §7.3).
import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';

export interface FakeSmtpOptions {
  user: string;
  pass: string;
}

export interface ReceivedMail {
  /** The SMTP envelope (MAIL FROM / RCPT TO), which may differ from the headers (bcc). */
  envelope: { from: string | undefined; to: string[] };
  /** The user that authenticated the session. */
  user: string | undefined;
  /** The From header as text, e.g. `"Ponte" <no-reply@ponte.test>`. */
  from: string | undefined;
  /** Addresses of the To header. */
  to: string[];
  cc: string[];
  subject: string | undefined;
  text: string | undefined;
  html: string | undefined;
  messageId: string | undefined;
  /** Header values by lower-case name, unfolded; a repeated header keeps its last value. */
  headers: Record<string, string>;
  attachments: { filename?: string; contentType: string; content: Buffer }[];
  /** The whole parsed message, for anything not mapped above. */
  parsed: ParsedMail;
  raw: Buffer;
  receivedAt: number;
}

/** Where a queued rejection answers: at RCPT TO (per recipient) or after DATA (per message). */
export type RejectStage = 'rcpt' | 'data';

interface Rejection {
  remaining: number;
  responseCode: number;
  message: string;
  stage: RejectStage;
}

interface Waiter {
  n: number;
  resolve: (mails: ReceivedMail[]) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class FakeSmtp {
  private server?: SMTPServer;
  private received: ReceivedMail[] = [];
  private rejections: Rejection[] = [];
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly options: FakeSmtpOptions) {}

  async start(): Promise<{ host: string; port: number }> {
    if (this.server) throw new Error('FakeSmtp is already started');
    const server = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      logger: false,
      // stop() should not wait the default 30 s for a pooled client to say QUIT.
      closeTimeout: 200,
      onAuth: (auth, _session, callback) => {
        if (auth.username === this.options.user && auth.password === this.options.pass)
          return callback(null, { user: auth.username });
        callback(new Error('Invalid username or password')); // smtp-server answers 535
      },
      onRcptTo: (_address: SMTPServerAddress, _session, callback) => callback(this.takeRejection('rcpt')),
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.once('error', (error) => callback(error));
        // The stream must be drained before answering, even to reject it.
        stream.once('end', () => {
          this.accept(Buffer.concat(chunks), session).then(
            () => callback(),
            (error: Error) => callback(error),
          );
        });
      },
    });
    server.on('error', () => undefined); // client resets are routine in tests; do not crash the worker
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return { host: '127.0.0.1', port: (server.server.address() as AddressInfo).port };
  }

  /** Closes the server; sessions still open get `421` after a short grace period. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const waiter of [...this.waiters]) this.settle(waiter, new Error('FakeSmtp was stopped'));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Accepted messages, oldest first. */
  messages(): ReceivedMail[] {
    return [...this.received];
  }

  /** Resolves with all messages once at least `n` were accepted. */
  waitForMessages(n: number, timeoutMs = 5000): Promise<ReceivedMail[]> {
    if (this.received.length >= n) return Promise.resolve(this.messages());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        n,
        resolve,
        reject,
        timer: setTimeout(
          () =>
            this.settle(
              waiter,
              new Error(
                `FakeSmtp: expected ${n} message(s) within ${timeoutMs} ms, got ${this.received.length}`,
              ),
            ),
          timeoutMs,
        ),
      };
      this.waiters.add(waiter);
    });
  }

  /**
   * The next `count` RCPT TO commands (stage `rcpt`, one per recipient) or messages (stage `data`) are
   * answered `responseCode message`: 550 is permanent, 4xx (451, 452) transient for nodemailer's callers.
   * Queued after earlier calls.
   */
  rejectNext(count: number, responseCode: number, message: string, stage: RejectStage = 'rcpt'): void {
    if (count > 0) this.rejections.push({ remaining: count, responseCode, message, stage });
  }

  /** Forgets messages and pending rejections. */
  reset(): void {
    this.received = [];
    this.rejections = [];
  }

  private takeRejection(stage: RejectStage): Error | undefined {
    const next = this.rejections.find((r) => r.stage === stage);
    if (!next) return undefined;
    next.remaining -= 1;
    if (next.remaining <= 0) this.rejections = this.rejections.filter((r) => r !== next);
    return Object.assign(new Error(next.message), { responseCode: next.responseCode });
  }

  private async accept(raw: Buffer, session: SMTPServerSession): Promise<void> {
    const rejection = this.takeRejection('data');
    if (rejection) throw rejection;
    const parsed = await simpleParser(raw);
    const { mailFrom, rcptTo } = session.envelope;
    this.received.push({
      envelope: { from: mailFrom ? mailFrom.address : undefined, to: rcptTo.map((r) => r.address) },
      user: session.user,
      from: parsed.from?.text,
      to: addresses(parsed.to),
      cc: addresses(parsed.cc),
      subject: parsed.subject,
      text: parsed.text,
      html: parsed.html === false ? undefined : parsed.html,
      messageId: parsed.messageId,
      headers: headerMap(parsed),
      attachments: parsed.attachments.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: a.content,
      })),
      parsed,
      raw,
      receivedAt: Date.now(),
    });
    for (const waiter of [...this.waiters]) if (this.received.length >= waiter.n) this.settle(waiter);
  }

  private settle(waiter: Waiter, error?: Error): void {
    clearTimeout(waiter.timer);
    this.waiters.delete(waiter);
    if (error) waiter.reject(error);
    else waiter.resolve(this.messages());
  }
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  return [field ?? []].flat().flatMap((group) => group.value.flatMap((a) => (a.address ? [a.address] : [])));
}

/** Raw header lines, unfolded, so that a test sees a header exactly as the sender wrote it. */
function headerMap(parsed: ParsedMail): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines)
    out[key] = line
      .slice(line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
  return out;
}
