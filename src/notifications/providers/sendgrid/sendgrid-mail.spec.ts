import type { OutgoingMessage } from '../provider-adapter';
import { mailbox, sendGridBody, sendGridFailure } from './sendgrid-mail';

const base: OutgoingMessage = {
  notificationId: 'n-1',
  channel: 'email',
  to: 'maria@example.com',
  content: { subject: 'Oi', text: 'Olá, Maria', html: '<p>Olá, Maria</p>', whatsapp: null },
};

describe('sendGridBody', () => {
  it('one personalization, text/plain first, the notification id as custom arg', () => {
    expect(sendGridBody(base, 'Ponte <no-reply@ponte.test>')).toEqual({
      personalizations: [{ to: [{ email: 'maria@example.com' }] }],
      from: { email: 'no-reply@ponte.test', name: 'Ponte' },
      subject: 'Oi',
      content: [
        { type: 'text/plain', value: 'Olá, Maria' },
        { type: 'text/html', value: '<p>Olá, Maria</p>' },
      ],
      custom_args: { ponte_notification_id: 'n-1' },
      headers: { 'X-Ponte-Notification': 'n-1' },
    });
    const plain = sendGridBody({ ...base, content: { ...base.content, html: null } }, 'a@b.co');
    expect(plain.content).toEqual([{ type: 'text/plain', value: 'Olá, Maria' }]);
  });

  it('carries attachments base64-encoded (scheduled reports)', () => {
    const body = sendGridBody(
      {
        ...base,
        attachments: [{ filename: 'r.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-') }],
      },
      'a@b.co',
    );
    expect(body.attachments).toEqual([
      { content: 'JVBERi0=', filename: 'r.pdf', type: 'application/pdf', disposition: 'attachment' },
    ]);
    expect(sendGridBody(base, 'a@b.co')).not.toHaveProperty('attachments');
  });

  it('reads a bare address, a named one, a quoted name', () => {
    expect(mailbox('a@b.co')).toEqual({ email: 'a@b.co' });
    expect(mailbox('"Clínica X" <a@b.co>')).toEqual({ email: 'a@b.co', name: 'Clínica X' });
    expect(mailbox('<a@b.co>')).toEqual({ email: 'a@b.co' });
  });
});

describe('sendGridFailure', () => {
  it.each([
    [429, 'transient'],
    [500, 'transient'],
    [503, 'transient'],
    [400, 'permanent'],
    [401, 'permanent'],
    [403, 'permanent'],
    [413, 'permanent'],
  ])('HTTP %s is %s', (status, kind) => {
    expect(sendGridFailure(status, undefined)).toMatchObject({ kind, code: `http_${status}` });
  });

  it('lists every error with its field', () => {
    const failure = sendGridFailure(400, {
      errors: [
        { message: 'Does not contain a valid address.', field: 'personalizations.0.to.0.email', help: null },
        { message: 'The subject is required.', field: 'subject' },
      ],
    });
    expect(failure.message).toBe(
      'personalizations.0.to.0.email: Does not contain a valid address.; subject: The subject is required.',
    );
  });
});
