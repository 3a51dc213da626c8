import { Injectable } from '@nestjs/common';
import type { MailAttachment } from '../../notifications/providers/provider-adapter';
import { SendFailure } from '../../notifications/providers/provider-adapter';
import { ProviderAdapters } from '../../notifications/providers/provider-adapters';
import { ProvidersService } from '../../notifications/providers/providers.service';

export interface ReportMail {
  workspaceId: string;
  /** Ties the messages to the run (the provider's header and SendGrid's custom args). */
  runId: string;
  to: string;
  subject: string;
  text: string;
  attachment: MailAttachment;
}

/**
 * Sends a report through the workspace's e-mail providers (SMTP, SendGrid) in their route order,
 * the next one when a provider fails. Not a notification: the attachment is no template content
 * and has no place in a job payload or the notifications table.
 */
@Injectable()
export class ReportMailer {
  constructor(
    private readonly providers: ProvidersService,
    private readonly adapters: ProviderAdapters,
  ) {}

  async send(mail: ReportMail): Promise<void> {
    const accounts = await this.providers.routes(mail.workspaceId, 'email');
    if (accounts.length === 0) throw new Error('no e-mail provider is configured for this workspace');
    let last: Error | undefined;
    for (const account of accounts) {
      try {
        await this.adapters.get(account.kind).send(account, {
          notificationId: mail.runId,
          channel: 'email',
          to: mail.to,
          content: { subject: mail.subject, text: mail.text, html: null, whatsapp: null },
          attachments: [mail.attachment],
        });
        return;
      } catch (err) {
        last =
          err instanceof SendFailure
            ? new Error(`${account.kind}: ${err.code} ${err.message}`)
            : (err as Error);
      }
    }
    throw last!;
  }
}
