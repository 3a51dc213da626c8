import { ConsentChange } from './consent-change.entity';
import { ContactReads } from './contact-reads';
import { ContactPreferencesService } from './contact-preferences.service';
import { ContactRightsService } from './contact-rights.service';
import { ContactWrites } from './contact-writes';
import { Contact } from './contact.entity';
import { ContactsController } from './contacts.controller';
import { ContactsService } from './contacts.service';

/** What NotificationsModule registers for contacts (entities go to TypeOrmModule.forFeature). */
export const CONTACT_ENTITIES = [Contact, ConsentChange];
export const CONTACT_CONTROLLERS = [ContactsController];
export const CONTACT_PROVIDERS = [
  ContactReads,
  ContactWrites,
  ContactPreferencesService,
  ContactsService,
  ContactRightsService,
];
