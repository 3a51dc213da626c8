import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { PageOf } from '../../platform/http/pagination';
import { CHANNELS, type Channel } from '../channels';

export const TEMPLATE_KEY = /^[a-z0-9][a-z0-9._-]{0,99}$/;
/** `pt-BR`, `en`, `es-419`. */
export const LOCALE = /^[a-z]{2,3}(-([A-Z]{2}|[0-9]{3}))?$/;
export const DEFAULT_LOCALE = 'pt-BR';
export const BODY_MAX = 65_536;
export const SUBJECT_MAX = 998;

const EXAMPLE_BODY =
  "Olá, {{ name | first_name }}! Lembrete: {{ service }} amanhã às {{ startsAt | date: '%H:%M' }}.";
const EXAMPLE_ID = '01936b2e-1f2a-7cc3-8a4b-1234567890ab';

export class WhatsAppTemplateDto {
  @ApiProperty({
    description: 'Name of the approved WhatsApp template (Meta)',
    example: 'appointment_reminder_24h',
  })
  @Matches(/^[a-z0-9_]{1,512}$/, { message: 'name must be lower-case letters, digits and _' })
  name: string;

  @ApiProperty({ description: 'Language of the WhatsApp template (BCP 47)', example: 'pt-BR' })
  @Matches(LOCALE, { message: 'language must be a language tag such as pt-BR' })
  language: string;

  @ApiProperty({
    description: 'The template’s parameters {{1}}, {{2}}... in order, each a Liquid expression over `data`',
    example: ['{{ name | first_name }}', "{{ startsAt | date: '%d/%m %H:%M' }}"],
    type: [String],
  })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 1024, { each: true })
  parameters: string[];

  @ApiPropertyOptional({
    description: 'Twilio Content API template SID; without it Twilio sends the rendered body',
    example: 'HXb5b62575e6e4ff6129ad7c8efe1f983e',
  })
  @IsOptional()
  @Matches(/^HX[0-9a-f]{32}$/, { message: 'contentSid must be a Twilio Content SID (HX…)' })
  contentSid?: string;
}

export class CreateTemplateDto {
  @ApiProperty({
    description: 'Template key, shared by its channels and locales: what notifications name',
    example: 'appointment-reminder-24h',
  })
  @Matches(TEMPLATE_KEY, {
    message: 'key must be 1-100 lower-case letters, digits, ., _ or -, starting with a letter or digit',
  })
  key: string;

  @ApiProperty({ description: 'Channel this version is for', enum: CHANNELS, example: 'whatsapp' })
  @IsIn(CHANNELS)
  channel: Channel;

  @ApiPropertyOptional({ description: 'Locale (language tag)', example: 'pt-BR', default: DEFAULT_LOCALE })
  @IsOptional()
  @Matches(LOCALE, { message: 'locale must be a language tag such as pt-BR' })
  locale?: string;

  @ApiPropertyOptional({
    description: 'E-mail subject (Liquid, plain text); required for email and only for email',
    example: 'Lembrete: {{ service }} amanhã',
    maxLength: SUBJECT_MAX,
  })
  @IsOptional()
  @IsString()
  @Length(1, SUBJECT_MAX)
  subject?: string;

  @ApiProperty({
    description:
      'Body (Liquid). For email it is HTML and every `{{ }}` is HTML-escaped; the text part is derived from it',
    example: EXAMPLE_BODY,
    maxLength: BODY_MAX,
  })
  @IsString()
  @Length(1, BODY_MAX)
  body: string;

  @ApiPropertyOptional({
    description: 'WhatsApp only: the approved template sent outside the 24-hour window',
    type: WhatsAppTemplateDto,
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => WhatsAppTemplateDto)
  whatsapp?: WhatsAppTemplateDto;
}

export class PreviewTemplateDto {
  @ApiProperty({ description: 'Channel to render', enum: CHANNELS, example: 'email' })
  @IsIn(CHANNELS)
  channel: Channel;

  @ApiPropertyOptional({
    description: 'Locale; when the template has none for it, the pt-BR one is used (as sending does)',
    example: 'pt-BR',
    default: DEFAULT_LOCALE,
  })
  @IsOptional()
  @Matches(LOCALE, { message: 'locale must be a language tag such as pt-BR' })
  locale?: string;

  @ApiPropertyOptional({
    description: 'Template variables',
    example: { name: 'Maria Souza', service: 'Limpeza de pele', startsAt: '2026-11-23T15:00:00-03:00' },
    type: 'object',
    additionalProperties: true,
  })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;
}

export class WhatsAppTemplateView {
  @ApiProperty({ description: 'Name of the WhatsApp template', example: 'appointment_reminder_24h' })
  name: string;
  @ApiProperty({ description: 'Language of the WhatsApp template', example: 'pt-BR' })
  language: string;
  @ApiProperty({
    description: 'Parameters in order: Liquid as stored, or the rendered values in a preview',
    example: ['{{ name | first_name }}', "{{ startsAt | date: '%d/%m %H:%M' }}"],
    type: [String],
  })
  parameters: string[];
  @ApiPropertyOptional({ description: 'Twilio Content SID', example: 'HXb5b62575e6e4ff6129ad7c8efe1f983e' })
  contentSid?: string;
}

export class TemplateView {
  @ApiProperty({
    description: 'Id of this version (UUIDv7); null for a built-in',
    example: EXAMPLE_ID,
    nullable: true,
    type: String,
  })
  id: string | null;
  @ApiProperty({ description: 'Template key', example: 'appointment-reminder-24h' })
  key: string;
  @ApiProperty({ description: 'Channel', enum: CHANNELS, example: 'whatsapp' })
  channel: Channel;
  @ApiProperty({ description: 'Locale', example: 'pt-BR' })
  locale: string;
  @ApiProperty({
    description: 'Version from 1 (the highest is used); 0 for a built-in',
    type: 'integer',
    example: 2,
  })
  version: number;
  @ApiProperty({
    description: 'E-mail subject (Liquid)',
    example: 'Lembrete: {{ service }} amanhã',
    nullable: true,
    type: String,
  })
  subject: string | null;
  @ApiProperty({ description: 'Body (Liquid)', example: EXAMPLE_BODY })
  body: string;
  @ApiProperty({
    description: 'WhatsApp template, for channel whatsapp',
    type: WhatsAppTemplateView,
    nullable: true,
  })
  whatsapp: WhatsAppTemplateView | null;
  @ApiProperty({
    description: 'Shipped with Ponte (shared by every workspace), not the workspace’s own',
    example: false,
  })
  builtIn: boolean;
  @ApiProperty({
    description: 'Creation time (ISO 8601 UTC); null for a built-in',
    example: '2026-11-22T12:00:00.000Z',
    nullable: true,
    type: String,
  })
  createdAt: string | null;
}

export class TemplatePage extends PageOf(TemplateView) {}

export class TemplateVariantView extends TemplateView {
  @ApiProperty({
    description:
      'Earlier versions of this channel and locale, newest first (at most 20), then the built-in this one overrides',
    type: [TemplateView],
  })
  versions: TemplateView[];
}

export class TemplateDetailView {
  @ApiProperty({ description: 'Template key', example: 'appointment-reminder-24h' })
  key: string;
  @ApiProperty({
    description: 'What sending uses for each channel and locale (the newest version, else the built-in)',
    type: [TemplateVariantView],
  })
  variants: TemplateVariantView[];
}

export class RenderedContentView {
  @ApiProperty({
    description: 'E-mail subject; null for other channels',
    example: 'Lembrete: Limpeza de pele amanhã',
    nullable: true,
    type: String,
  })
  subject: string | null;
  @ApiProperty({
    description: 'Plain text: the WhatsApp or SMS message, or the e-mail’s text part',
    example: 'Olá, Maria! Lembrete: Limpeza de pele amanhã às 15:00.',
  })
  text: string;
  @ApiProperty({
    description: 'E-mail only: the HTML part, every variable HTML-escaped',
    example: '<p>Olá, Maria!</p>',
    nullable: true,
    type: String,
  })
  html: string | null;
  @ApiProperty({
    description: 'WhatsApp template with its rendered parameters, when the template has one',
    type: WhatsAppTemplateView,
    nullable: true,
  })
  whatsapp: WhatsAppTemplateView | null;
}
