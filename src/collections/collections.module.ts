import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module';
import { GatewayModule } from '../gateway/gateway.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { acceptStreamedUploads } from '../platform/http/streamed-body';
import { CollectionsAssistant } from './assistant/assistant';
import { AssistantController } from './assistant/assistant.controller';
import { CollectionMessage } from './assistant/collection-message.entity';
import { IntentClassifier } from './assistant/intent-classifier';
import { Campaign } from './campaigns/campaign.entity';
import { CampaignRunner } from './campaigns/campaign-runner';
import { CampaignSend } from './campaigns/campaign-send.entity';
import { CampaignsController } from './campaigns/campaigns.controller';
import { CampaignsService } from './campaigns/campaigns.service';
import { collectionsConfig } from './collections.config';
import { CollectionsPersonalData } from './collections-personal-data';
import './collections.queue';
import { Debt } from './debts/debt.entity';
import { Debtor } from './debts/debtor.entity';
import { DebtsController } from './debts/debts.controller';
import { DebtsService } from './debts/debts.service';
import { DebtImport } from './imports/debt-import.entity';
import { ImportChunk } from './imports/import-chunk.entity';
import { ImportProcessor } from './imports/import-processor';
import { ImportRejection } from './imports/import-rejection.entity';
import { ImportsService } from './imports/imports.service';
import { CollectionPayment } from './payments/collection-payment.entity';
import { CollectionsPayments } from './payments/collections-payments';
import { PromiseReminders } from './promises/promise-reminders';
import { PromiseReminder } from './promises/promise-reminder.entity';

acceptStreamedUploads(/^\/v1\/collections\/debtors\/import\/?$/);

/**
 * Debt collection on WhatsApp (the seed system "Cobrança Inteligente"): debtors and debts, imports,
 * campaigns inside the allowed hours, and a pt-BR assistant that reads the replies.
 */
@Module({
  imports: [
    EventsModule,
    GatewayModule,
    NotificationsModule,
    TypeOrmModule.forFeature([
      Debtor,
      Debt,
      DebtImport,
      ImportRejection,
      ImportChunk,
      CollectionMessage,
      Campaign,
      CampaignSend,
      CollectionPayment,
      PromiseReminder,
    ]),
  ],
  controllers: [DebtsController, AssistantController, CampaignsController],
  providers: [
    collectionsConfig.provider,
    CollectionsPersonalData,
    DebtsService,
    ImportsService,
    ImportProcessor,
    IntentClassifier,
    CampaignsService,
    CampaignRunner,
    CollectionsAssistant,
    CollectionsPayments,
    PromiseReminders,
  ],
  exports: [DebtsService],
})
export class CollectionsModule {}
