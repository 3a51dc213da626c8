import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsDateString,
  IsEmail,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { PageQuery } from '../../platform/http/pagination';
import { CHANNELS, type Channel } from '../channels';
import { CATEGORIES, NOTIFICATION_STATUSES, PRIORITIES } from './notification.entity';
import type { Category, NotificationStatus, Priority } from './notification.entity';

export class RecipientDto {
  @ApiPropertyOptional({
    description: 'A contact of the workspace',
    example: '01936b2e-1f2a-7cc3-8a4b-1234567890ab',
  })
  @IsOptional()
  @IsUUID()
  contactId?: string;

  @ApiPropertyOptional({
    description: 'Phone for WhatsApp and SMS, normalised to E.164 (default region BR)',
    example: '+55 31 99295-3088',
  })
  @IsOptional()
  @IsString()
  @Length(3, 40)
  phone?: string;

  @ApiPropertyOptional({ description: 'E-mail address', example: 'maria@example.com' })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string;
}

export class MediaDto {
  @ApiProperty({ description: 'Attachment kind', enum: ['image', 'document'], example: 'document' })
  @IsIn(['image', 'document'])
  type: 'image' | 'document';

  @ApiProperty({ description: 'Public URL of the file', example: 'https://example.com/boleto.pdf' })
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true })
  @MaxLength(2000)
  url: string;

  @ApiPropertyOptional({ description: 'File name shown for documents', example: 'boleto.pdf' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  filename?: string;
}

export class ButtonDto {
  @ApiProperty({ description: 'Id echoed back when the button is tapped', example: 'confirm_yes' })
  @IsString()
  @Length(1, 256)
  id: string;

  @ApiProperty({ description: 'Button label (at most 20 characters)', example: 'Confirmar' })
  @IsString()
  @Length(1, 20)
  title: string;
}

export class ContentDto {
  @ApiPropertyOptional({ description: 'E-mail subject (Liquid)', example: 'Sua consulta, {{ name }}' })
  @IsOptional()
  @IsString()
  @Length(1, 998)
  subject?: string;

  @ApiProperty({
    description: 'Body (Liquid; HTML for e-mail)',
    example: 'Olá, {{ name }}! Sua consulta é amanhã.',
  })
  @IsString()
  @Length(1, 65_536)
  body: string;

  @ApiPropertyOptional({ description: 'WhatsApp/MMS attachment; the body is its caption', type: MediaDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => MediaDto)
  media?: MediaDto;

  @ApiPropertyOptional({ description: 'WhatsApp reply buttons (1–3)', type: [ButtonDto] })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @ValidateNested({ each: true })
  @Type(() => ButtonDto)
  buttons?: ButtonDto[];
}

export class SendNotificationDto {
  @ApiProperty({ description: 'Who to reach: a contact, a phone or an e-mail', type: RecipientDto })
  @ValidateNested()
  @Type(() => RecipientDto)
  to: RecipientDto;

  @ApiProperty({
    description: 'Channels in fallback order: the next is used when every provider of one fails',
    enum: CHANNELS,
    isArray: true,
    example: ['whatsapp', 'sms'],
  })
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @ArrayUnique()
  @IsIn(CHANNELS, { each: true })
  channels: Channel[];

  @ApiPropertyOptional({
    description: 'Template key (one of template or content)',
    example: 'appointment-reminder-24h',
  })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,99}$/)
  template?: string;

  @ApiPropertyOptional({ description: 'Inline content (one of template or content)', type: ContentDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ContentDto)
  content?: ContentDto;

  @ApiPropertyOptional({
    description: 'Template variables',
    example: { name: 'Maria', startsAt: '2026-11-23T15:00:00-03:00' },
  })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Template locale', example: 'pt-BR', default: 'pt-BR' })
  @IsOptional()
  @Matches(/^[a-z]{2}(-[A-Z]{2})?$/)
  locale?: string;

  @ApiPropertyOptional({ description: 'Consent category', enum: CATEGORIES, default: 'transactional' })
  @IsOptional()
  @IsIn(CATEGORIES)
  category?: Category;

  @ApiPropertyOptional({ description: 'High overtakes normal and low', enum: PRIORITIES, default: 'normal' })
  @IsOptional()
  @IsIn(PRIORITIES)
  priority?: Priority;

  @ApiPropertyOptional({ description: 'Send later (ISO 8601)', example: '2026-11-23T11:00:00.000Z' })
  @IsOptional()
  @IsDateString({ strict: true })
  sendAt?: string;
}

export class BulkNotificationsDto {
  @ApiProperty({
    description: 'Up to 1,000 notifications; each is validated on its own',
    type: [Object],
    example: [
      {
        to: { phone: '+5531992953088' },
        channels: ['whatsapp'],
        template: 'lead-welcome',
        data: { name: 'Maria' },
      },
    ],
  })
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsObject({ each: true })
  notifications: Record<string, unknown>[];
}

export class NotificationQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only this status', enum: NOTIFICATION_STATUSES })
  @IsOptional()
  @IsIn(NOTIFICATION_STATUSES)
  status?: NotificationStatus;

  @ApiPropertyOptional({ description: 'Only those whose current channel is this', enum: CHANNELS })
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: Channel;

  @ApiPropertyOptional({ description: 'Only this contact', example: '01936b2e-1f2a-7cc3-8a4b-1234567890ab' })
  @IsOptional()
  @IsUUID()
  contactId?: string;

  @ApiPropertyOptional({ description: 'Created at or after (ISO 8601)', example: '2026-11-01T00:00:00.000Z' })
  @IsOptional()
  @IsDateString({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Created before (ISO 8601)', example: '2026-12-01T00:00:00.000Z' })
  @IsOptional()
  @IsDateString({ strict: true })
  to?: string;
}
