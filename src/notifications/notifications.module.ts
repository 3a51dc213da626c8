import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module';
import { GatewayModule } from '../gateway/gateway.module';
import { ProviderAdapters } from './providers/provider-adapters';
import { ProviderBreakers } from './providers/provider-breakers';
import { notificationsConfig } from './notifications.config';
import { ProviderPacer } from './providers/provider-pacer';
import { Provider } from './providers/provider.entity';
import { ProvidersController } from './providers/providers.controller';
import { ProvidersService } from './providers/providers.service';
import { SandboxMessage } from './providers/sandbox/sandbox-message.entity';
import { SandboxAdapter } from './providers/sandbox/sandbox.adapter';
import { SandboxController } from './providers/sandbox/sandbox.controller';
import { SendGridAdapter } from './providers/sendgrid/sendgrid.adapter';
import { SmtpAdapter } from './providers/smtp/smtp.adapter';
import { NotificationAttempt } from './sending/notification-attempt.entity';
import { NotificationComposer } from './sending/notification-composer';
import { NotificationLedger } from './sending/notification-ledger';
import { NotificationRoutes } from './sending/notification-routes';
import { NotificationSender } from './sending/notification-sender';
import { Notification } from './sending/notification.entity';
import { NotificationsController } from './sending/notifications.controller';
import { NotificationsService } from './sending/notifications.service';
import { StatusTracker } from './sending/status-tracker';
import { SentObservers } from './sending/sent-observers';
import { StatusObservers } from './sending/status-observers';
import { ConsentGate } from './sending/consent-gate';
import { NotificationsPersonalData } from './sending/notifications-personal-data';
import { CONTACT_CONTROLLERS, CONTACT_ENTITIES, CONTACT_PROVIDERS } from './contacts/contacts.providers';
import { TEMPLATE_CONTROLLERS, TEMPLATE_ENTITIES, TEMPLATE_PROVIDERS } from './templates/templates.providers';

/**
 * Sending on WhatsApp, SMS and e-mail, as Novu does it: providers per workspace, versioned
 * templates, notifications with their attempts and status timeline, fallback and the DLQ. The
 * e-mail kinds and the sandbox are declared here; other modules declare theirs with
 * `@ProviderKindPlugin` (WhatsApp's, Twilio's SMS included, in `whatsapp/providers/`).
 */
@Module({
  imports: [
    EventsModule,
    GatewayModule,
    TypeOrmModule.forFeature([
      Provider,
      SandboxMessage,
      Notification,
      NotificationAttempt,
      ...TEMPLATE_ENTITIES,
      ...CONTACT_ENTITIES,
    ]),
  ],
  controllers: [
    ProvidersController,
    SandboxController,
    NotificationsController,
    ...TEMPLATE_CONTROLLERS,
    ...CONTACT_CONTROLLERS,
  ],
  providers: [
    SandboxAdapter,
    SmtpAdapter,
    SendGridAdapter,
    ProviderAdapters,
    ProviderPacer,
    ProviderBreakers,
    notificationsConfig.provider,
    ProvidersService,
    NotificationComposer,
    NotificationLedger,
    NotificationRoutes,
    NotificationSender,
    NotificationsService,
    StatusTracker,
    SentObservers,
    StatusObservers,
    ConsentGate,
    NotificationsPersonalData,
    ...TEMPLATE_PROVIDERS,
    ...CONTACT_PROVIDERS,
  ],
  exports: [
    NotificationsService,
    ProviderPacer,
    SentObservers,
    ProviderAdapters,
    ProvidersService,
    ...TEMPLATE_PROVIDERS,
    ...CONTACT_PROVIDERS,
  ],
})
export class NotificationsModule {}
