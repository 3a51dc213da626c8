import type { ConsentChange } from './consent-change.entity';
import type { Contact } from './contact.entity';
import type { ContactView } from './contacts.dto';
import type { ConsentChangeView, PreferencesView } from './preferences.dto';

export function toContactView(c: Contact): ContactView {
  return {
    id: c.id,
    externalId: c.externalId,
    name: c.name,
    phone: c.phone,
    waId: c.waId,
    email: c.email,
    locale: c.locale,
    tags: c.tags ?? [],
    attributes: c.attributes ?? {},
    preferences: c.preferences ?? {},
    quietHours: c.quietHours ?? null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function toPreferencesView(c: Pick<Contact, 'preferences' | 'quietHours'>): PreferencesView {
  return { channels: c.preferences ?? {}, quietHours: c.quietHours ?? null };
}

export function toConsentChangeView(r: ConsentChange): ConsentChangeView {
  return {
    id: r.id,
    channel: r.channel,
    category: r.category,
    optedIn: r.optedIn,
    source: r.source,
    detail: r.detail,
    createdAt: r.createdAt.toISOString(),
  };
}
