import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../../events/events.module';
import { NotificationsModule } from '../../notifications/notifications.module';
import { FeedbackPersonalData } from './feedback-personal-data';
import { FeedbackReplies } from './feedback-replies';
import { FeedbackRequest } from './feedback-request.entity';
import { feedbackConfig } from './feedback.config';

/**
 * Replies to the `service-completed-feedback` request: recorded when sent (`@OnSent`), answered
 * by the contact's next WhatsApp text, published as `feedback.received`. Imported by CrmModule.
 */
@Module({
  imports: [EventsModule, NotificationsModule, TypeOrmModule.forFeature([FeedbackRequest])],
  providers: [feedbackConfig.provider, FeedbackReplies, FeedbackPersonalData],
})
export class FeedbackModule {}
