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

/**
 * WhatsApp conversations: one per contact and business number, every message in and out, the
 * 24-hour window of the official APIs, and consent given or withdrawn by message.
 */
@Module({
  imports: [
    EventsModule,
    GatewayModule,
    DeliveriesModule,
    NotificationsModule,
    TypeOrmModule.forFeature([Conversation, Message]),
  ],
  controllers: [ConversationsController],
  providers: [ConversationRecorder, ConversationsService, ConsentByMessage, ConversationsPersonalData],
})
export class WhatsAppModule {}
