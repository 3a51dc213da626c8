import { ProviderSession } from './provider-session.entity';
import { ProviderSessionsService } from './provider-sessions.service';
import { SessionMonitor } from './session-monitor';
import { SessionTracker } from './session-tracker';
import { SessionsController } from './sessions.controller';

/** The WhatsApp Web sessions part of the whatsapp module. */
export const SESSION_ENTITIES = [ProviderSession];
export const SESSION_CONTROLLERS = [SessionsController];
export const SESSION_PROVIDERS = [ProviderSessionsService, SessionTracker, SessionMonitor];
