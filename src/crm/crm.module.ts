import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeliveriesModule } from '../deliveries/deliveries.module';
import { EventsModule } from '../events/events.module';
import { GatewayModule } from '../gateway/gateway.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { Bitrix24OAuth } from './bitrix24/bitrix24-oauth';
import { Bitrix24Rest } from './bitrix24/bitrix24-rest';
import { Bitrix24Source } from './bitrix24/source/bitrix24.source';
import { AgentReplies } from './bridge/agent-replies';
import { Bitrix24Contacts } from './bridge/bitrix24-contacts';
import { CrmChat } from './bridge/crm-chat.entity';
import { CrmChats } from './bridge/crm-chats';
import { CrmMessage } from './bridge/crm-message.entity';
import { CrmPersonalData } from './bridge/crm-personal-data';
import { InboundBridge } from './bridge/inbound-bridge';
import { Bitrix24Install } from './connections/bitrix24-install';
import { Bitrix24InstallController } from './connections/bitrix24-install.controller';
import { CrmConnection } from './connections/crm-connection.entity';
import { CrmConnectionsController } from './connections/crm-connections.controller';
import { CrmConnections } from './connections/crm-connections.service';
import { CrmLine } from './connections/crm-line.entity';
import { CrmLines } from './connections/crm-lines.service';
import { PortalGrants } from './connections/portal-grants';
import { crmConfig } from './crm.config';
import { FeedbackModule } from './feedback/feedback.module';
import { CrmLeadAction } from './leads/crm-lead-action';

/**
 * The CRM: Bitrix24 portals installed as an application (OAuth grants sealed, refreshed once across
 * processes, calls paced per portal), the Open Channels bridge between WhatsApp and Bitrix24's
 * agents, the Bitrix24 source kind (its events), the real `crm.upsertLead` workflow action, and
 * the replies to feedback requests (`feedback.received`).
 */
@Module({
  imports: [
    EventsModule,
    GatewayModule,
    NotificationsModule,
    DeliveriesModule,
    FeedbackModule,
    TypeOrmModule.forFeature([CrmConnection, CrmLine, CrmChat, CrmMessage]),
  ],
  controllers: [CrmConnectionsController, Bitrix24InstallController],
  providers: [
    crmConfig.provider,
    Bitrix24Source,
    Bitrix24OAuth,
    Bitrix24Rest,
    PortalGrants,
    CrmConnections,
    Bitrix24Install,
    CrmLines,
    CrmChats,
    Bitrix24Contacts,
    InboundBridge,
    AgentReplies,
    CrmLeadAction,
    CrmPersonalData,
  ],
})
export class CrmModule {}
