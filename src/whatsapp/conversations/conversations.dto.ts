import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { PageOf, PageQuery } from '../../platform/http/pagination';
import { CONVERSATION_STATUSES, type ConversationStatus } from './conversation.entity';

const ID = '01936b2e-1f2a-7cc3-8a4b-1234567890ab';
const AT = '2026-11-22T12:00:00.000Z';

export class ConversationQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only open or closed ones', enum: CONVERSATION_STATUSES })
  @IsOptional()
  @IsIn(CONVERSATION_STATUSES)
  status?: ConversationStatus;

  @ApiPropertyOptional({ description: "Only this contact's", example: ID })
  @IsOptional()
  @IsUUID()
  contactId?: string;
}

export class ReplyDto {
  @ApiPropertyOptional({
    description: 'Free text (Liquid); on Meta and Twilio only inside the 24-hour window',
    example: 'Olá, Maria! Podemos confirmar para amanhã às 15h?',
  })
  @IsOptional()
  @IsString()
  @Length(1, 4096)
  text?: string;

  @ApiPropertyOptional({ description: 'Template key: always allowed', example: 'appointment-reminder-24h' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,99}$/)
  template?: string;

  @ApiPropertyOptional({ description: 'Template variables', example: { name: 'Maria' } })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;
}

export class ConversationView {
  @ApiProperty({ description: 'Conversation id', example: ID })
  id: string;
  @ApiProperty({ description: 'Contact', example: ID })
  contactId: string;
  @ApiProperty({ description: 'Business number as `<provider>:<id>`', example: 'meta:106540352242922' })
  businessNumber: string;
  @ApiProperty({ description: 'meta, twilio, zapi or waha', example: 'meta' })
  provider: string;
  @ApiProperty({
    description: 'Provider account replies go through',
    example: ID,
    nullable: true,
    type: String,
  })
  providerId: string | null;
  @ApiProperty({ description: 'Status', enum: CONVERSATION_STATUSES, example: 'open' })
  status: ConversationStatus;
  @ApiProperty({
    description:
      'When the 24-hour window closes (Meta and Twilio); null without a window or before any message',
    example: AT,
    nullable: true,
    type: String,
  })
  windowExpiresAt: string | null;
  @ApiProperty({ description: 'Whether free text can be sent now', example: true })
  windowOpen: boolean;
  @ApiProperty({ description: 'Last message from the contact', example: AT, nullable: true, type: String })
  lastInboundAt: string | null;
  @ApiProperty({ description: 'Last message either way', example: AT, nullable: true, type: String })
  lastMessageAt: string | null;
  @ApiProperty({ description: 'Inbound messages not marked read', example: 2 })
  unreadCount: number;
  @ApiProperty({ description: 'Created at', example: AT })
  createdAt: string;
}

export class ConversationPage extends PageOf(ConversationView) {}

export class MessageView {
  @ApiProperty({ description: 'Message id', example: ID })
  id: string;
  @ApiProperty({ description: 'inbound or outbound', example: 'inbound' })
  direction: string;
  @ApiProperty({ description: 'text, image, document, template...', example: 'text' })
  kind: string;
  @ApiProperty({
    description: 'Text or caption',
    example: 'Quero marcar um horário',
    nullable: true,
    type: String,
  })
  text: string | null;
  @ApiProperty({ description: 'Attachment', nullable: true, type: Object, example: null })
  media: Record<string, unknown> | null;
  @ApiProperty({
    description:
      'Inbound: received or read. Outbound: the notification status (queued, sent, delivered, read, failed...)',
    example: 'delivered',
  })
  status: string;
  @ApiProperty({
    description: "The provider's message id",
    example: 'wamid.HBgM…',
    nullable: true,
    type: String,
  })
  providerMessageId: string | null;
  @ApiProperty({
    description: 'Notification carrying an outbound message',
    example: ID,
    nullable: true,
    type: String,
  })
  notificationId: string | null;
  @ApiProperty({ description: 'Created at', example: AT })
  createdAt: string;
}

export class MessagePage extends PageOf(MessageView) {}

export class ReplyAcceptedView {
  @ApiProperty({ description: 'The message on the conversation', example: ID })
  id: string;
  @ApiProperty({ description: 'The notification sending it', example: ID })
  notificationId: string;
  @ApiProperty({ description: 'Notification status', example: 'queued' })
  status: string;
}
