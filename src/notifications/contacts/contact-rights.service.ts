import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { Clock } from '../../platform/clock';
import { Principal } from '../../platform/http/principal';
import { notFound } from '../../platform/http/problem';
import { ContactPreferencesService } from './contact-preferences.service';
import { toContactView } from './contact-views';
import { Contact } from './contact.entity';
import { ContactExportView } from './contacts.dto';
import {
  type DataSubject,
  ErasesPersonalData,
  ExportsPersonalData,
  PersonalDataRegistry,
} from '../../platform/personal-data/personal-data';

/**
 * LGPD art. 18 for a contact: access (everything held about the person, from every module that
 * registered a part) and erasure (every part erased, then the contact row blanked; the row and
 * the counts stay).
 */
@Injectable()
export class ContactRightsService {
  private readonly logger = new Logger('ContactRights');

  constructor(
    @InjectRepository(Contact) private readonly contacts: Repository<Contact>,
    private readonly consent: ContactPreferencesService,
    private readonly registry: PersonalDataRegistry,
    private readonly clock: Clock,
  ) {}

  @ExportsPersonalData('consent')
  exportConsent(workspaceId: string, contact: DataSubject): Promise<unknown> {
    return this.consent.all(workspaceId, contact.id);
  }

  /**
   * The consent log holds what changed, when and by whom (a key id, a provider message id): no
   * personal data of the contact, and the proof of consent outlives the person's details.
   */
  @ErasesPersonalData('consent')
  eraseConsent(): Promise<number> {
    return Promise.resolve(0);
  }

  async export(caller: Principal, id: string): Promise<ContactExportView> {
    const contact = await this.live(caller.workspaceId, id);
    const out: Record<string, unknown> = { contact: toContactView(contact) };
    for (const [name, part] of this.registry.entries())
      out[name] = await part.export(caller.workspaceId, contact);
    return out as ContactExportView;
  }

  /**
   * Every registered part erases first, with the contact as it is (its phone, waId and e-mail
   * find their rows); the contact row is blanked last, so a failure half way leaves it findable
   * and a second DELETE finishes the job.
   */
  async erase(caller: Principal, id: string): Promise<void> {
    const ws = caller.workspaceId;
    const contact = await this.live(ws, id);
    const rows: Record<string, number> = {};
    for (const [name, part] of this.registry.entries()) rows[name] = await part.erase(ws, contact);
    const now = this.clock.now();
    const res = await this.contacts.update(
      { id, workspaceId: ws, erasedAt: IsNull() },
      {
        externalId: null,
        name: null,
        phone: null,
        waId: null,
        email: null,
        attributes: {},
        tags: [],
        quietHours: null,
        preferences: {},
        erasedAt: now,
        updatedAt: now,
      },
    );
    if (!res.affected) throw notFound('Contact'); // erased by a concurrent request
    rows.contact = res.affected;
    this.logger.log({
      msg: 'contact erased (LGPD)',
      workspaceId: ws,
      contactId: id,
      actorType: caller.actorType,
      actorId: caller.actorId,
      rows,
    });
  }

  private async live(workspaceId: string, id: string): Promise<Contact> {
    const contact = await this.contacts.findOneBy({ id, workspaceId, erasedAt: IsNull() });
    if (!contact) throw notFound('Contact');
    return contact;
  }
}
