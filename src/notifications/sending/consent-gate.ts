import { Injectable } from '@nestjs/common';
import { Clock } from '../../platform/clock';
import type { Channel } from '../channels';
import { isAllowed, quietHoursEnd } from '../contacts/consent';
import type { Category, Contact } from '../contacts/contact.entity';
import { ContactsService, KnownContact, knownAnswer } from '../contacts/contacts.service';
import type { Notification } from './notification.entity';

export interface ConsentDecision {
  /** Channels the contact opted out of for this category. */
  suppressed: Channel[];
  /** Marketing inside the contact's quiet hours waits until they end. */
  deferUntil: Date | null;
  /** The recipient's contact, when there is one (observers of the send need not look it up again). */
  contactId: string | null;
}

/**
 * Consent at send time (it may have changed since the request): opted-out channels are never
 * used, and marketing waits out the contact's quiet hours. A recipient who is not a contact has
 * given no preferences: everything is allowed.
 */
@Injectable()
export class ConsentGate {
  constructor(
    private readonly contacts: ContactsService,
    private readonly clock: Clock,
  ) {}

  /**
   * `known`: a lookup the caller made moments ago (a workflow walk's contact, found with its
   * scope before any step ran). Its answer is taken when it is the very lookup this would make.
   */
  async check(n: Notification, known?: KnownContact): Promise<ConsentDecision> {
    const contact = await this.recipient(n, known);
    if (!contact) return { suppressed: [], deferUntil: null, contactId: null };
    const category = n.category as Category;
    return {
      suppressed: n.channels.filter((c) => !isAllowed(contact, c, category)),
      deferUntil: category === 'marketing' ? quietHoursEnd(contact.quietHours, this.clock.now()) : null,
      contactId: contact.id,
    };
  }

  /** The recipient's contact: the caller's answer when it asked the same, else looked up. */
  private async recipient(n: Notification, known?: KnownContact): Promise<Contact | null> {
    const id = n.toContactId;
    const address = { phone: n.toPhone, email: n.toEmail };
    const answer = knownAnswer(known, id ? { id } : address);
    if (answer !== undefined) return answer;
    return id ? this.contacts.find(n.workspaceId, id) : this.contacts.findByAddress(n.workspaceId, address);
  }
}
