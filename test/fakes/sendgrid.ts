// Fake of SendGrid's v3 Mail Send (providers.md §7.1): Bearer `SG.` key, the validation SendGrid does
// synchronously (all errors at once, `{errors: [{message, field, help}]}`), 202 with X-Message-Id, 200
// in sandbox mode; plus `/v3/scopes`, which a credentials check reads.
import { randomBytes } from 'node:crypto';
import { bearer, FakeServer, reply, type FakeResponse, type RecordedRequest } from './fake-server';

export interface FakeSendGridOptions {
  apiKey: string;
  /** What `/v3/scopes` answers for the key; `mail.send` by default. */
  scopes?: string[];
}

export interface SentSendGridMessage {
  /** The X-Message-Id answered. */
  messageId: string;
  to: string[];
  from: { email: string; name?: string };
  subject: string | undefined;
  text: string | undefined;
  html: string | undefined;
  customArgs: Record<string, string> | undefined;
  headers: Record<string, string> | undefined;
  body: any;
  at: number;
}

interface SgError {
  message: string;
  field: string | null;
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const isObject = (x: unknown): x is Record<string, any> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/** SendGrid's error envelope. */
export function sendGridError(status: number, ...errors: SgError[]): FakeResponse {
  return reply.json({ errors: errors.map((e) => ({ ...e, help: null })) }, status);
}

export class FakeSendGrid extends FakeServer {
  private sent: SentSendGridMessage[] = [];
  private failures = new Map<string, { status: number; message: string }>();
  private scopes: string[];

  constructor(private readonly options: FakeSendGridOptions) {
    super();
    this.scopes = options.scopes ?? ['mail.send'];
    this.route('POST', '/v3/mail/send', (req) => this.guard(req, () => this.mailSend(req)));
    this.route('GET', '/v3/scopes', (req) => this.guard(req, () => reply.json({ scopes: this.scopes })));
  }

  /** Accepted (202) messages, oldest first; sandbox-mode ones are not sent. */
  sentMessages(): SentSendGridMessage[] {
    return this.sent.map((m) => ({ ...m }));
  }

  /** Every send to this address answers `status` with the error on `personalizations.0.to.0.email`. */
  permanentFailureFor(email: string, message = 'Does not contain a valid address.', status = 400): void {
    this.failures.set(email.toLowerCase(), { status, message });
  }

  /** What `/v3/scopes` answers from now on. */
  setScopes(scopes: string[]): void {
    this.scopes = scopes;
  }

  override reset(): void {
    super.reset();
    this.sent = [];
    this.failures.clear();
    this.scopes = this.options.scopes ?? ['mail.send'];
  }

  private guard(req: RecordedRequest, next: () => FakeResponse): FakeResponse {
    const key = bearer(req);
    if (!key?.startsWith('SG.') || key !== this.options.apiKey)
      return sendGridError(401, {
        message: 'The provided authorization grant is invalid, expired, or revoked',
        field: null,
      });
    return next();
  }

  private mailSend(req: RecordedRequest): FakeResponse {
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
      return sendGridError(400, { message: 'Content-Type should be application/json.', field: null });
    const b: unknown = req.body;
    if (!isObject(b)) return sendGridError(400, { message: 'Bad Request', field: null });
    const errors = validate(b);
    if (errors.length) return sendGridError(400, ...errors);
    const to = (b.personalizations as Array<{ to: Array<{ email: string }> }>).flatMap((p) =>
      p.to.map((r) => r.email),
    );
    const failure = to.map((a) => this.failures.get(a.toLowerCase())).find(Boolean);
    if (failure)
      return sendGridError(failure.status, {
        message: failure.message,
        field: 'personalizations.0.to.0.email',
      });
    if (b.mail_settings?.sandbox_mode?.enable === true) return { status: 200, headers: {} };

    const messageId = randomBytes(16).toString('base64url').slice(0, 22);
    const part = (type: string) =>
      (b.content as Array<{ type: string; value: string }> | undefined)?.find((c) => c.type === type)?.value;
    this.sent.push({
      messageId,
      to,
      from: b.from,
      subject: b.subject,
      text: part('text/plain'),
      html: part('text/html'),
      customArgs: b.custom_args,
      headers: b.headers,
      body: b,
      at: Date.now(),
    });
    return { status: 202, headers: { 'x-message-id': messageId, server: 'nginx' } };
  }
}

/** Every error SendGrid would list for the body, in its words. */
function validate(b: Record<string, any>): SgError[] {
  const errors: SgError[] = [];
  const personalizations: unknown = b.personalizations;
  if (!Array.isArray(personalizations) || personalizations.length === 0) {
    errors.push({
      message: 'The personalizations field is required and must have at least one personalization.',
      field: 'personalizations',
    });
  } else {
    personalizations.forEach((p: any, i) => {
      if (!Array.isArray(p?.to) || p.to.length === 0) {
        errors.push({
          message:
            'The to array is required for all personalization objects, and must have at least one email object with a valid email address.',
          field: `personalizations.${i}.to`,
        });
        return;
      }
      p.to.forEach((r: any, j: number) => {
        if (typeof r?.email !== 'string' || !EMAIL.test(r.email))
          errors.push({
            message: 'Does not contain a valid address.',
            field: `personalizations.${i}.to.${j}.email`,
          });
      });
    });
  }
  if (!isObject(b.from) || typeof b.from.email !== 'string')
    errors.push({
      message:
        'The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.',
      field: 'from',
    });
  else if (!EMAIL.test(b.from.email))
    errors.push({ message: 'The from email does not contain a valid address.', field: 'from.email' });
  const template = typeof b.template_id === 'string' && b.template_id !== '';
  const personalSubjects =
    Array.isArray(personalizations) &&
    personalizations.every((p: any) => typeof p?.subject === 'string' && p.subject);
  if (!template && !personalSubjects && (typeof b.subject !== 'string' || b.subject === ''))
    errors.push({
      message:
        'The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.',
      field: 'subject',
    });
  const content: unknown = b.content;
  if (!template && (!Array.isArray(content) || content.length === 0)) {
    errors.push({
      message:
        'Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block. We typically suggest both text/plain and text/html blocks are included, but only one block is required.',
      field: 'content',
    });
  } else if (Array.isArray(content)) {
    content.forEach((c: any, i) => {
      if (typeof c?.value !== 'string' || c.value === '')
        errors.push({
          message: 'The content value must be a string at least one character in length.',
          field: `content.${i}.value`,
        });
    });
    const plain = content.findIndex((c: any) => c?.type === 'text/plain');
    if (plain > 0)
      errors.push({
        message: 'The text/plain content type must be first, followed by any other content types.',
        field: `content.${plain}.type`,
      });
  }
  return errors;
}
