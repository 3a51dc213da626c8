import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { Clock } from '../../platform/clock';
import { Page, PageQuery, paginate } from '../../platform/http/pagination';
import { Principal } from '../../platform/http/principal';
import { notFound, ProblemException } from '../../platform/http/problem';
import { CHANNELS, type Channel } from '../channels';
import { ConsentChange } from './consent-change.entity';
import { Category, ChannelPreferences, Contact, QuietHours } from './contact.entity';
import { toConsentChangeView, toPreferencesView } from './contact-views';
import { ConsentChangeView, PreferencesView, SetPreferencesDto } from './preferences.dto';

const CATEGORIES: Category[] = ['marketing', 'transactional'];

export interface ConsentSetting {
  channel: Channel;
  category: Category;
  optedIn: boolean;
}

/**
 * Preferences and the consent log. Every change runs under a lock of the contact row and writes
 * one log row per (channel, category) whose stored value changed, and one (channel `quietHours`)
 * when quiet hours changed; a request that changes nothing writes nothing.
 */
@Injectable()
export class ContactPreferencesService {
  constructor(
    @InjectRepository(Contact) private readonly contacts: Repository<Contact>,
    @InjectRepository(ConsentChange) private readonly changes: Repository<ConsentChange>,
    private readonly clock: Clock,
  ) {}

  async set(caller: Principal, contactId: string, dto: SetPreferencesDto): Promise<PreferencesView> {
    const quiet = dto.quietHours;
    if (quiet && quiet.start === quiet.end) {
      throw new ProblemException('VALIDATION_FAILED', 'One or more fields are invalid', {
        errors: [{ field: 'quietHours.end', message: 'end must differ from start' }],
      });
    }
    const settings: ConsentSetting[] = [];
    for (const channel of CHANNELS) {
      for (const category of CATEGORIES) {
        const optedIn = dto.channels?.[channel]?.[category];
        if (typeof optedIn === 'boolean') settings.push({ channel, category, optedIn });
      }
    }
    const quietHours =
      quiet === undefined
        ? undefined
        : quiet && { start: quiet.start, end: quiet.end, timeZone: quiet.timeZone };
    const result = await this.apply(
      caller.workspaceId,
      contactId,
      settings,
      quietHours,
      'api',
      caller.actorId,
    );
    if (!result) throw notFound('Contact');
    return toPreferencesView(result.contact);
  }

  /** One consent setting from elsewhere (an opt-out message); false when nothing changed. */
  async setConsent(
    workspaceId: string,
    contactId: string,
    change: ConsentSetting & { source: string; detail?: string },
  ): Promise<boolean> {
    const { source, detail, ...setting } = change;
    const result = await this.apply(workspaceId, contactId, [setting], undefined, source, detail ?? null);
    return (result?.changed ?? 0) > 0;
  }

  async list(caller: Principal, contactId: string, query: PageQuery): Promise<Page<ConsentChangeView>> {
    const exists = await this.contacts.existsBy({
      id: contactId,
      workspaceId: caller.workspaceId,
      erasedAt: IsNull(),
    });
    if (!exists) throw notFound('Contact');
    const qb = this.changes
      .createQueryBuilder('cc')
      .where('cc.workspaceId = :ws AND cc.contactId = :id', { ws: caller.workspaceId, id: contactId });
    return paginate(qb, query, toConsentChangeView);
  }

  /** The whole log of a contact, newest first (the export). */
  async all(workspaceId: string, contactId: string): Promise<ConsentChangeView[]> {
    const rows = await this.changes.find({ where: { workspaceId, contactId }, order: { id: 'DESC' } });
    return rows.map(toConsentChangeView);
  }

  /** The contact's latest marketing consent change on `channel` (null when none). */
  async latestMarketingChange(
    workspaceId: string,
    contactId: string,
    channel: string,
  ): Promise<{ source: string; detail: string | null } | null> {
    return this.changes.findOne({
      where: { workspaceId, contactId, channel, category: 'marketing' },
      select: { source: true, detail: true },
      order: { id: 'DESC' },
    });
  }

  /** Null when the contact does not exist (or was erased). */
  private apply(
    workspaceId: string,
    contactId: string,
    settings: ConsentSetting[],
    quietHours: QuietHours | null | undefined,
    source: string,
    detail: string | null,
  ): Promise<{ contact: Contact; changed: number } | null> {
    return this.contacts.manager.transaction(async (tx) => {
      const contact = await tx
        .getRepository(Contact)
        .createQueryBuilder('c')
        .setLock('pessimistic_write')
        .where('c.id = :id AND c.workspaceId = :ws AND c.erasedAt IS NULL', {
          id: contactId,
          ws: workspaceId,
        })
        .getOne();
      if (!contact) return null;
      const now = this.clock.now();
      const log = (channel: string, category: string | null, optedIn: boolean | null): ConsentChange => ({
        id: uuidv7(),
        workspaceId,
        contactId,
        channel,
        category,
        optedIn,
        source,
        detail,
        createdAt: now,
      });
      const preferences: ChannelPreferences = structuredClone(contact.preferences ?? {});
      const rows: ConsentChange[] = [];
      for (const { channel, category, optedIn } of settings) {
        if (preferences[channel]?.[category] === optedIn) continue;
        preferences[channel] = { ...preferences[channel], [category]: optedIn };
        rows.push(log(channel, category, optedIn));
      }
      let quiet = contact.quietHours;
      if (quietHours !== undefined && !sameQuietHours(quiet, quietHours)) {
        quiet = quietHours;
        rows.push(log('quietHours', null, null));
      }
      if (rows.length === 0) return { contact, changed: 0 };
      await tx.update(Contact, { id: contact.id }, { preferences, quietHours: quiet, updatedAt: now });
      await tx.insert(ConsentChange, rows);
      return {
        contact: { ...contact, preferences, quietHours: quiet, updatedAt: now },
        changed: rows.length,
      };
    });
  }
}

function sameQuietHours(a: QuietHours | null, b: QuietHours | null): boolean {
  if (!a || !b) return a === b;
  return a.start === b.start && a.end === b.end && a.timeZone === b.timeZone;
}
