import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { PageOf } from '../../platform/http/pagination';
import { CHANNELS, type Channel } from '../channels';
import type { KindBody } from '../../platform/openapi/schema-shapes';
import { providerConfigSchema } from './provider-config';
import { PROVIDER_KIND, PROVIDER_KINDS, type ProviderKind, type ProviderKindOptions } from './provider-kind';

const ALL_KINDS = [...PROVIDER_KINDS];
const CONFIG_DOC =
  'meta {accessToken, phoneNumberId, apiVersion?, baseUrl?}; twilio {accountSid, authToken, from?, messagingServiceSid?, baseUrl?}; zapi {instanceId, token, clientToken, baseUrl?}; waha {baseUrl, apiKey, session}; smtp {host, port, secure, user?, pass?, from}; sendgrid {apiKey, from, baseUrl?}; sandbox {}. Secrets are stored encrypted and shown masked.';

export class CreateProviderDto {
  @ApiProperty({ description: 'Channel the provider sends on', enum: CHANNELS, example: 'whatsapp' })
  @IsIn(CHANNELS)
  channel: Channel;

  @ApiProperty({
    description:
      'whatsapp: meta | twilio | zapi | waha | sandbox; sms: twilio | sandbox; email: smtp | sendgrid | sandbox',
    enum: ALL_KINDS,
    example: 'meta',
  })
  // Checked against the declared kinds of the channel by the service (the enum is the document's).
  @IsString()
  kind: ProviderKind;

  @ApiProperty({ description: 'A name to recognise the provider by', example: 'Meta — main number' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({
    description: CONFIG_DOC,
    example: { accessToken: 'EAAG…', phoneNumberId: '106540352242922', apiVersion: 'v23.0' },
    additionalProperties: true,
  })
  @IsObject()
  config: Record<string, string | number | boolean>;

  @ApiPropertyOptional({
    description: 'Order within the channel: lower numbers are tried first',
    example: 1,
    default: 100,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  priority?: number;

  @ApiPropertyOptional({
    description: 'Messages per second at most across all workers (Meta defaults to 80)',
    example: 80,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  rateLimitPerSecond?: number;

  @ApiPropertyOptional({ description: 'Disabled providers are skipped', example: true, default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

/** The create body as the document shows it: per declared kind, the channels it serves and its config. */
export const CREATE_PROVIDER_BODY: KindBody<ProviderKindOptions> = {
  base: CreateProviderDto,
  point: PROVIDER_KIND,
  order: PROVIDER_KINDS,
  properties: (kind, options) => ({
    channel: {
      description: 'Channel the provider sends on',
      enum: CHANNELS.filter((channel) => options.channels.includes(channel)),
    },
    config: providerConfigSchema(kind, options),
  }),
};

export class UpdateProviderDto {
  @ApiPropertyOptional({ description: 'Name', example: 'Meta — main number' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({
    description: 'Config keys to change (merged into the current config)',
    example: { accessToken: 'EAAG…new' },
    additionalProperties: true,
  })
  @IsOptional()
  @IsObject()
  config?: Record<string, string | number | boolean>;

  @ApiPropertyOptional({ description: 'Order within the channel: lower first', example: 2 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  priority?: number;

  @ApiPropertyOptional({ description: 'Messages per second at most', example: 80 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  rateLimitPerSecond?: number;

  @ApiPropertyOptional({ description: 'Disabled providers are skipped', example: false })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class ProviderView {
  @ApiProperty({ description: 'Provider id', example: '01936b2e-1f2a-7cc3-8a4b-1234567890ab' })
  id: string;
  @ApiProperty({ description: 'Channel', enum: CHANNELS, example: 'whatsapp' })
  channel: Channel;
  @ApiProperty({ description: 'Kind', enum: ALL_KINDS, example: 'meta' })
  kind: ProviderKind;
  @ApiProperty({ description: 'Name', example: 'Meta — main number' })
  name: string;
  @ApiProperty({
    description: 'Config with secrets masked',
    example: { accessToken: '••••a1b2', phoneNumberId: '106540352242922' },
    additionalProperties: true,
  })
  config: Record<string, string | number | boolean>;
  @ApiProperty({ description: 'Order within the channel: lower first', example: 1 })
  priority: number;
  @ApiProperty({ description: 'Messages per second at most', example: 80, nullable: true, type: Number })
  rateLimitPerSecond: number | null;
  @ApiProperty({ description: 'Whether sends use it', example: true })
  enabled: boolean;
  @ApiProperty({ description: 'Created at (ISO 8601)', example: '2026-11-22T12:00:00.000Z' })
  createdAt: string;
  @ApiProperty({ description: 'Last change (ISO 8601)', example: '2026-11-22T12:00:00.000Z' })
  updatedAt: string;
}

export class ProviderPage extends PageOf(ProviderView) {}

export class ProviderCheckView {
  @ApiProperty({ description: 'Whether the provider accepted the credentials', example: true })
  ok: boolean;
  @ApiProperty({
    description: "What the provider's status endpoint said",
    example: 'phone number 106540352242922 (+55 31 9999-0000), quality GREEN',
  })
  detail: string;
  @ApiProperty({ description: 'When it was checked (ISO 8601)', example: '2026-11-22T12:00:00.000Z' })
  checkedAt: string;
}
