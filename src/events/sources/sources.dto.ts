import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsObject, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PageOf } from '../../platform/http/pagination';
import type { KindBody } from '../../platform/openapi/schema-shapes';
import { sourceConfigSchema } from './source-config';
import { SOURCE_KIND, SOURCE_KINDS, type SourceKind, type SourceKindOptions } from './source-kind';

const SLUG = /^[a-z0-9](?:[a-z0-9-]{1,62}[a-z0-9])$/;

export class CreateSourceDto {
  @ApiProperty({ description: 'A name to recognise the source by', example: 'Meta — main number' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiPropertyOptional({
    description: 'URL slug, unique across the deployment; generated when omitted',
    example: 'meta-main',
  })
  @IsOptional()
  @Matches(SLUG, { message: 'slug must be 3-64 lower-case letters, digits and dashes' })
  slug?: string;

  @ApiProperty({
    description: 'How requests are verified and normalised',
    enum: SOURCE_KINDS,
    example: 'meta',
  })
  // Checked against the declared kinds by the service (the enum above is what the document shows).
  @IsString()
  kind: SourceKind;

  @ApiProperty({
    description:
      'meta {appSecret, verifyToken}; twilio {authToken}; zapi {token?}; waha {hmacKey}; bitrix24 {applicationToken?, memberId?}; standard {secret?} (whsec_..., generated when omitted)',
    example: { appSecret: 'e3f1…', verifyToken: 'my-verify-token' },
    additionalProperties: { type: 'string' },
  })
  @IsObject()
  config: Record<string, string>;

  @ApiPropertyOptional({ description: 'Disabled sources answer 404', example: true, default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

/** The create body as the document shows it: one shape per declared kind, `config` that kind's. */
export const CREATE_SOURCE_BODY: KindBody<SourceKindOptions> = {
  base: CreateSourceDto,
  point: SOURCE_KIND,
  order: SOURCE_KINDS,
  properties: (kind, options) => ({ config: sourceConfigSchema(kind, options.config) }),
};

export class UpdateSourceDto {
  @ApiPropertyOptional({ description: 'A name to recognise the source by', example: 'Meta — main number' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({
    description: 'Config keys to change (merged into the current config)',
    example: { appSecret: 'new…' },
    additionalProperties: { type: 'string' },
  })
  @IsOptional()
  @IsObject()
  config?: Record<string, string>;

  @ApiPropertyOptional({ description: 'Disabled sources answer 404', example: false })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class SourceView {
  @ApiProperty({ description: 'Source id', example: '01936b2e-1f2a-7cc3-8a4b-1234567890ab' })
  id: string;
  @ApiProperty({ description: 'Name', example: 'Meta — main number' })
  name: string;
  @ApiProperty({ description: 'URL slug', example: 'meta-main' })
  slug: string;
  @ApiProperty({ description: 'Kind', enum: SOURCE_KINDS, example: 'meta' })
  kind: SourceKind;
  @ApiProperty({
    description: 'Where the provider must post: PUBLIC_URL/webhooks/<slug>',
    example: 'https://ponte.example.com/webhooks/meta-main',
  })
  url: string;
  @ApiProperty({
    description: 'Config with secrets masked',
    example: { appSecret: '••••a1b2', verifyToken: '••••oken' },
    additionalProperties: { type: 'string' },
  })
  config: Record<string, string>;
  @ApiProperty({ description: 'Whether requests are accepted', example: true })
  enabled: boolean;
  @ApiProperty({ description: 'Creation time', example: '2026-11-22T12:00:00.000Z' })
  createdAt: string;
}

export class CreatedSourceView extends SourceView {
  @ApiPropertyOptional({
    description: 'A generated secret (standard: the whsec_ signing secret; zapi: the URL token), shown once',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  })
  secret?: string;
}

export class SourcePage extends PageOf(SourceView) {}

export class RejectionView {
  @ApiProperty({ description: 'Why the request was refused', example: 'signature_invalid' })
  reason: string;
  @ApiProperty({ description: 'When', example: '2026-11-22T12:00:00.000Z' })
  createdAt: string;
}

export class RejectionPage extends PageOf(RejectionView) {}
