import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '../../platform/http/pagination';
import { CHANNELS, type Channel } from '../channels';
import { ATTEMPT_STATUSES, type AttemptStatus } from './notification-attempt.entity';
import { NOTIFICATION_STATUSES, type NotificationStatus } from './notification.entity';

const ID = '01936b2e-1f2a-7cc3-8a4b-1234567890ab';
const AT = '2026-11-22T12:00:00.000Z';

export class NotificationAcceptedView {
  @ApiProperty({ description: 'Notification id', example: ID })
  id: string;
  @ApiProperty({
    description: '`queued`, or `scheduled` with a future sendAt',
    enum: NOTIFICATION_STATUSES,
    example: 'queued',
  })
  status: NotificationStatus;
}

export class BulkItemError {
  @ApiProperty({ description: 'Stable error code', example: 'VALIDATION_FAILED' })
  code: string;
  @ApiProperty({ description: 'What is wrong', example: 'to.phone: not a valid phone number' })
  detail: string;
}

export class BulkItemResult {
  @ApiProperty({ description: 'Position in the request', example: 0 })
  index: number;
  @ApiProperty({ description: 'Notification id when accepted', example: ID, required: false })
  id?: string;
  @ApiProperty({
    description: 'Status when accepted',
    enum: NOTIFICATION_STATUSES,
    required: false,
    example: 'queued',
  })
  status?: NotificationStatus;
  @ApiProperty({ description: 'Why the item was refused', type: BulkItemError, required: false })
  error?: BulkItemError;
}

export class BulkResultView {
  @ApiProperty({ description: 'One result per item, in order', type: [BulkItemResult] })
  results: BulkItemResult[];
}

export class RecipientView {
  @ApiProperty({ description: 'Contact id', example: ID, nullable: true, type: String })
  contactId: string | null;
  @ApiProperty({ description: 'Phone in E.164', example: '+5531992953088', nullable: true, type: String })
  phone: string | null;
  @ApiProperty({ description: 'E-mail', example: 'maria@example.com', nullable: true, type: String })
  email: string | null;
}

export class TimelineEntryView {
  @ApiProperty({ description: 'Status reached', enum: NOTIFICATION_STATUSES, example: 'sent' })
  status: NotificationStatus;
  @ApiProperty({ description: 'When (ISO 8601)', example: AT })
  at: string;
  @ApiProperty({ description: 'Attempt number it belongs to', example: 1, required: false })
  attempt?: number;
  @ApiProperty({
    description: 'Why, when not obvious',
    example: 'meta 131026: Message undeliverable',
    required: false,
  })
  detail?: string;
}

export class AttemptView {
  @ApiProperty({ description: 'Attempt number, from 1', example: 1 })
  attempt: number;
  @ApiProperty({ description: 'Channel', enum: CHANNELS, example: 'whatsapp' })
  channel: Channel;
  @ApiProperty({
    description: 'Provider id (null: the sandbox of a channel with no provider)',
    example: ID,
    nullable: true,
    type: String,
  })
  providerId: string | null;
  @ApiProperty({ description: 'Provider kind', example: 'meta' })
  providerKind: string;
  @ApiProperty({
    description: 'Status; only ever moves forward',
    enum: ATTEMPT_STATUSES,
    example: 'delivered',
  })
  status: AttemptStatus;
  @ApiProperty({
    description: "The provider's message id",
    example: 'wamid.HBgM…',
    nullable: true,
    type: String,
  })
  providerMessageId: string | null;
  @ApiProperty({ description: "The provider's error code", example: '131026', nullable: true, type: String })
  errorCode: string | null;
  @ApiProperty({
    description: 'Error message',
    example: 'Message undeliverable',
    nullable: true,
    type: String,
  })
  error: string | null;
  @ApiProperty({ description: 'Provider call duration (ms)', example: 84, nullable: true, type: Number })
  durationMs: number | null;
  @ApiProperty({ description: 'Started at (ISO 8601)', example: AT })
  createdAt: string;
  @ApiProperty({ description: 'Last status change (ISO 8601)', example: AT })
  updatedAt: string;
}

export class NotificationSummaryView {
  @ApiProperty({ description: 'Notification id', example: ID })
  id: string;
  @ApiProperty({ description: 'Status', enum: NOTIFICATION_STATUSES, example: 'delivered' })
  status: NotificationStatus;
  @ApiProperty({ description: 'Recipient', type: RecipientView })
  to: RecipientView;
  @ApiProperty({
    description: 'Channels in fallback order',
    enum: CHANNELS,
    isArray: true,
    example: ['whatsapp', 'sms'],
  })
  channels: Channel[];
  @ApiProperty({ description: 'Template key', example: 'lead-welcome', nullable: true, type: String })
  template: string | null;
  @ApiProperty({ description: 'Category', example: 'transactional' })
  category: string;
  @ApiProperty({ description: 'Priority', example: 'normal' })
  priority: string;
  @ApiProperty({ description: 'Scheduled send time', example: AT, nullable: true, type: String })
  sendAt: string | null;
  @ApiProperty({
    description: 'Channel of the current attempt',
    enum: CHANNELS,
    nullable: true,
    example: 'whatsapp',
  })
  channel: Channel | null;
  @ApiProperty({ description: 'Provider of the current attempt', example: ID, nullable: true, type: String })
  providerId: string | null;
  @ApiProperty({
    description: 'Provider kind of the current attempt',
    example: 'meta',
    nullable: true,
    type: String,
  })
  providerKind: string | null;
  @ApiProperty({
    description: "The provider's message id",
    example: 'wamid.HBgM…',
    nullable: true,
    type: String,
  })
  providerMessageId: string | null;
  @ApiProperty({ description: 'Last error code', example: '131026', nullable: true, type: String })
  errorCode: string | null;
  @ApiProperty({ description: 'Last error', example: 'Message undeliverable', nullable: true, type: String })
  error: string | null;
  @ApiProperty({ description: 'Provider calls made', example: 1 })
  attempts: number;
  @ApiProperty({ description: 'Created at (ISO 8601)', example: AT })
  createdAt: string;
  @ApiProperty({ description: 'Last change (ISO 8601)', example: AT })
  updatedAt: string;
}

export class NotificationView extends NotificationSummaryView {
  @ApiProperty({ description: 'Every status reached, in order', type: [TimelineEntryView] })
  timeline: TimelineEntryView[];
  @ApiProperty({ description: 'Every provider call, in order', type: [AttemptView] })
  attemptLog: AttemptView[];
}

export class NotificationPage extends PageOf(NotificationSummaryView) {}
