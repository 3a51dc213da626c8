import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { v5 as uuidv5 } from 'uuid';
import type { WhatsAppMessageData } from '../../events/normalisers/message-data';
import { OnEvent, StoredEvent } from '../../events/processing/event-handlers';
import { WorkspacesService } from '../../gateway/workspaces/workspaces.service';
import { ContactPreferencesService } from '../../notifications/contacts/contact-preferences.service';
import { ContactsService } from '../../notifications/contacts/contacts.service';
import { classifyConsentMessage } from '../../notifications/contacts/opt-out';
import { NotificationsService } from '../../notifications/sending/notifications.service';

/** Namespace of the confirmations' ids (uuid v5 of the event and channel). */
const CONFIRMATION_NAMESPACE = '5c4d1f0e-7b1a-4a8e-9c3d-2f6b8e0a1d47';

/**
 * A message that is just PARAR (or says "parar de receber"...) opts the contact out of marketing
 * on that channel, VOLTAR/START back in; each change is logged and confirmed on the same channel
 * (and WhatsApp number). A message that changes nothing is not answered.
 */
@Injectable()
export class ConsentByMessage {
  private readonly logger = new Logger('ConsentByMessage');

  constructor(
    private readonly contacts: ContactsService,
    private readonly notifications: NotificationsService,
    private readonly workspaces: WorkspacesService,
    private readonly dataSource: DataSource,
    private readonly preferences: ContactPreferencesService,
  ) {}

  @OnEvent('consent.whatsapp', 'whatsapp.message.received')
  onWhatsApp(event: StoredEvent): Promise<void> {
    return this.onMessage(event, 'whatsapp');
  }

  @OnEvent('consent.sms', 'sms.message.received')
  onSms(event: StoredEvent): Promise<void> {
    return this.onMessage(event, 'sms');
  }

  async onMessage(event: StoredEvent, channel: 'whatsapp' | 'sms'): Promise<void> {
    const data = event.data as unknown as WhatsAppMessageData & {
      contactId?: string;
      conversationId?: string;
    };
    const verdict = classifyConsentMessage(data.text);
    if (!verdict || !data.from) return;
    const contactId =
      data.contactId ??
      (
        await this.contacts.upsertFromChannel(
          event.workspaceId,
          channel === 'whatsapp' ? { waId: data.from } : { phone: data.from },
        )
      ).id;
    const optedIn = verdict === 'opt-in';
    const changed = await this.contacts.setConsent(event.workspaceId, contactId, {
      channel,
      category: 'marketing',
      optedIn,
      source: 'message',
      detail: data.messageId,
    });
    if (changed) {
      this.logger.log(
        `contact ${contactId} opted ${optedIn ? 'in to' : 'out of'} marketing on ${channel} by message`,
      );
    } else if (!(await this.changedBy(event.workspaceId, contactId, channel, data.messageId))) {
      return;
    }
    // A retry of this event (the confirmation failed last time) finds the change already made by
    // this very message: it confirms now. The id derived from the event sends one confirmation
    // however many times this runs.
    const conversation: Array<{ provider_id: string | null }> = data.conversationId
      ? await this.dataSource.query(`SELECT provider_id FROM conversations WHERE id = $1`, [
          data.conversationId,
        ])
      : [];
    await this.notifications.sendFor(
      event.workspaceId,
      {
        to: { contactId },
        channels: [channel],
        template: optedIn ? 'opt-in-confirmation' : 'opt-out-confirmation',
        data: { businessName: (await this.workspaces.profileOf(event.workspaceId)).businessName },
        category: 'transactional',
      },
      {
        id: uuidv5(`${event.id}/${channel}`, CONFIRMATION_NAMESPACE),
        conversationId: data.conversationId ?? null,
        viaProviderId: conversation[0]?.provider_id ?? null,
      },
    );
  }

  /** Whether the contact's latest marketing consent change on `channel` came from this message. */
  private async changedBy(
    workspaceId: string,
    contactId: string,
    channel: string,
    messageId: string | null,
  ): Promise<boolean> {
    if (!messageId) return false;
    const latest = await this.preferences.latestMarketingChange(workspaceId, contactId, channel);
    return latest?.source === 'message' && latest.detail === messageId;
  }
}
