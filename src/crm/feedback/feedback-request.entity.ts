import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A feedback request a provider accepted for a contact (the `feedback-request` template), and
 * the reply that answered it. The contact's next WhatsApp text within the window answers the
 * latest request, once.
 */
@Entity('feedback_requests')
// One request per service (its WhatsApp and e-mail sends), else per notification.
@Index(['workspaceId', 'requestKey'], { unique: true })
@Index(['workspaceId', 'contactId', 'requestedAt'])
export class FeedbackRequest {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('uuid') contactId: string;
  /** `service:<event id>` or `notification:<id>`. */
  @Column('text') requestKey: string;
  @Column('uuid') notificationId: string;
  /** The `service.completed` event the workflow ran on, when the notification data names it. */
  @Column('uuid', { nullable: true }) serviceEventId: string | null;
  @Column('text', { nullable: true }) appointmentId: string | null;
  @Column('text', { nullable: true }) service: string | null;
  @Column('timestamptz') requestedAt: Date;
  @Column('timestamptz', { nullable: true }) answeredAt: Date | null;
  /** The inbound message event that answered it. */
  @Column('uuid', { nullable: true }) replyEventId: string | null;
  /** The `feedback.received` event emitted for it. */
  @Column('uuid', { nullable: true }) feedbackEventId: string | null;
}
