import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeliveriesModule } from '../deliveries/deliveries.module';
import { EventsModule } from '../events/events.module';
import { GatewayModule } from '../gateway/gateway.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { ConsentByMessage } from './conversations/consent-by-message';
import { Conversation } from './conversations/conversation.entity';
import { ConversationRecorder } from './conversations/conversation-recorder';
import { ConversationsController } from './conversations/conversations.controller';
import { ConversationsService } from './conversations/conversations.service';
import { ConversationsPersonalData } from './conversations/conversations-personal-data';
import { Message } from './conversations/message.entity';
import { META_KIND } from './providers/meta/meta.kind';
import { TWILIO_KIND } from './providers/twilio/twilio.kind';
import { WAHA_KIND } from './providers/waha/waha.kind';
import { ZAPI_KIND } from './providers/zapi/zapi.kind';
import { SESSION_CONTROLLERS, SESSION_ENTITIES, SESSION_PROVIDERS } from './sessions/sessions.providers';

/**
 * Everything WhatsApp: its providers (`providers/<kind>/`: client adapter, inbound verifier and
 * normaliser, declared as a source kind and a provider kind), conversations (one per contact and
 * business number, every message in and out), the 24-hour window of the official APIs,
 * consent given or withdrawn by message, and the WhatsApp Web sessions of WAHA and Z-API
 * (`sessions/`). Adding a provider: a folder in `providers/` whose `<kind>.kind.ts` lists its
 * plug-ins, and one line below.
 */
@Module({
  imports: [
    EventsModule,
    GatewayModule,
    DeliveriesModule,
    NotificationsModule,
    TypeOrmModule.forFeature([Conversation, Message, ...SESSION_ENTITIES]),
  ],
  controllers: [ConversationsController, ...SESSION_CONTROLLERS],
  providers: [
    ...META_KIND,
    ...TWILIO_KIND,
    ...ZAPI_KIND,
    ...WAHA_KIND,
    ConversationRecorder,
    ConversationsService,
    ConsentByMessage,
    ConversationsPersonalData,
    ...SESSION_PROVIDERS,
  ],
})
export class WhatsAppModule {}
