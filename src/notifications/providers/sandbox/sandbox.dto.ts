import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageOf, PageQuery } from '../../../platform/http/pagination';
import { CHANNELS, type Channel } from '../../channels';

export class SandboxQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only this channel', enum: CHANNELS, example: 'whatsapp' })
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: Channel;

  @ApiPropertyOptional({
    description: 'Only messages to this address (E.164 or e-mail)',
    example: '+5531992953088',
  })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  to?: string;
}

export class SandboxMessageView {
  @ApiProperty({ description: 'Sandbox message id', example: '01936b2e-1f2a-7cc3-8a4b-1234567890ab' })
  id: string;
  @ApiProperty({
    description: 'Notification it belongs to',
    example: '01936b2e-1f2a-7cc3-8a4b-1234567890ac',
    nullable: true,
    type: String,
  })
  notificationId: string | null;
  @ApiProperty({ description: 'Channel', enum: CHANNELS, example: 'whatsapp' })
  channel: Channel;
  @ApiProperty({ description: 'Recipient (E.164 or e-mail)', example: '+5531992953088' })
  to: string;
  @ApiProperty({ description: 'E-mail subject', example: 'Sua consulta', nullable: true, type: String })
  subject: string | null;
  @ApiProperty({ description: 'Text as it would be sent', example: 'Olá, Maria!' })
  text: string;
  @ApiProperty({
    description: 'E-mail HTML part',
    example: '<p>Olá, Maria!</p>',
    nullable: true,
    type: String,
  })
  html: string | null;
  @ApiProperty({
    description: 'The whole message as a provider would get it (WhatsApp template, media, buttons)',
    example: { channel: 'whatsapp', to: '+5531992953088', content: { text: 'Olá, Maria!' } },
  })
  message: Record<string, unknown>;
  @ApiProperty({ description: 'Recorded at (ISO 8601)', example: '2026-11-22T12:00:00.000Z' })
  createdAt: string;
}

export class SandboxMessagePage extends PageOf(SandboxMessageView) {}
