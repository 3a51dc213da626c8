import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsOptional, IsTimeZone, Matches, ValidateNested } from 'class-validator';
import { PageOf } from '../../platform/http/pagination';
import { HH_MM } from './consent';

const ID_EXAMPLE = '01936b2e-1f2a-7cc3-8a4b-1234567890ab';

/** Consent for one channel, per category; a missing category means allowed. */
export class CategoryConsentDto {
  @ApiPropertyOptional({ description: 'Promotions, offers, news: false opts out', example: false })
  @IsOptional()
  @IsBoolean()
  marketing?: boolean;

  @ApiPropertyOptional({
    description: 'Reminders, receipts, service messages: false opts out',
    example: true,
  })
  @IsOptional()
  @IsBoolean()
  transactional?: boolean;
}

/** Consent per channel; a missing channel means allowed. */
export class ChannelPreferencesView {
  @ApiPropertyOptional({ description: 'WhatsApp', type: CategoryConsentDto, example: { marketing: false } })
  @IsOptional()
  @ValidateNested()
  @Type(() => CategoryConsentDto)
  whatsapp?: CategoryConsentDto;

  @ApiPropertyOptional({ description: 'SMS', type: CategoryConsentDto, example: { marketing: true } })
  @IsOptional()
  @ValidateNested()
  @Type(() => CategoryConsentDto)
  sms?: CategoryConsentDto;

  @ApiPropertyOptional({ description: 'E-mail', type: CategoryConsentDto, example: { transactional: true } })
  @IsOptional()
  @ValidateNested()
  @Type(() => CategoryConsentDto)
  email?: CategoryConsentDto;
}

export class QuietHoursDto {
  @ApiProperty({ description: 'Start of the quiet period, local time (HH:mm), inclusive', example: '21:00' })
  @Matches(HH_MM, { message: 'start must be HH:mm (00:00 to 23:59)' })
  start: string;

  @ApiProperty({
    description:
      'End of the quiet period, local time (HH:mm), exclusive; before start means it wraps midnight',
    example: '08:00',
  })
  @Matches(HH_MM, { message: 'end must be HH:mm (00:00 to 23:59)' })
  end: string;

  @ApiProperty({ description: 'IANA time zone the times are in', example: 'America/Sao_Paulo' })
  @IsTimeZone({ message: 'timeZone must be an IANA time zone such as America/Sao_Paulo' })
  timeZone: string;
}

export class SetPreferencesDto {
  @ApiPropertyOptional({
    description:
      'Consent to set per channel and category. Only the pairs given change; the others keep their value ' +
      '(nothing is opted back in by leaving it out). Each pair that changes is logged.',
    type: ChannelPreferencesView,
    example: { whatsapp: { marketing: false }, email: { marketing: true } },
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ChannelPreferencesView)
  channels?: ChannelPreferencesView;

  @ApiPropertyOptional({
    description:
      'No marketing in this period (sends are deferred to its end); null removes quiet hours, leaving it out keeps them',
    type: QuietHoursDto,
    nullable: true,
    example: { start: '21:00', end: '08:00', timeZone: 'America/Sao_Paulo' },
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => QuietHoursDto)
  quietHours?: QuietHoursDto | null;
}

export class PreferencesView {
  @ApiProperty({
    description: 'Consent per channel and category as stored; a missing entry means allowed',
    type: ChannelPreferencesView,
    example: { whatsapp: { marketing: false } },
  })
  channels: ChannelPreferencesView;

  @ApiProperty({
    description: 'Quiet hours, or null',
    type: QuietHoursDto,
    nullable: true,
    example: { start: '21:00', end: '08:00', timeZone: 'America/Sao_Paulo' },
  })
  quietHours: QuietHoursDto | null;
}

export class ConsentChangeView {
  @ApiProperty({ description: 'Log entry id', example: ID_EXAMPLE })
  id: string;
  @ApiProperty({ description: 'whatsapp, sms, email, or quietHours', example: 'whatsapp' })
  channel: string;
  @ApiProperty({
    description: 'marketing or transactional; null for quiet hours',
    example: 'marketing',
    nullable: true,
    type: String,
  })
  category: string | null;
  @ApiProperty({
    description: 'The new value: opted in (true) or out (false); null for quiet hours',
    example: false,
    nullable: true,
    type: Boolean,
  })
  optedIn: boolean | null;
  @ApiProperty({
    description: 'Where the change came from: api (PUT preferences), message (a keyword the contact sent)…',
    example: 'api',
  })
  source: string;
  @ApiProperty({
    description: 'Who or what: the API key or operator id for api, the provider message id for message',
    example: ID_EXAMPLE,
    nullable: true,
    type: String,
  })
  detail: string | null;
  @ApiProperty({ description: 'When (ISO 8601)', example: '2026-11-22T12:00:00.000Z' })
  createdAt: string;
}

export class ConsentChangePage extends PageOf(ConsentChangeView) {}
