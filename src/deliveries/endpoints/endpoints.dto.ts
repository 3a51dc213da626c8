import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsDateString,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PageOf } from '../../platform/http/pagination';

const PATTERN = /^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$/;

export class CreateEndpointDto {
  @ApiProperty({ description: 'A name to recognise the endpoint by', example: 'CRM' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({
    description:
      'Where deliveries are POSTed (http or https; private addresses refused unless OUTBOUND_ALLOW_PRIVATE)',
    example: 'https://crm.example.com/hooks/ponte',
  })
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  @MaxLength(2000)
  url: string;

  @ApiProperty({
    description: 'Event types to deliver; patterns `lead.*` and `*`',
    example: ['lead.*', 'payment.received'],
    type: [String],
  })
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @Matches(PATTERN, { each: true, message: 'each event type must look like lead.created, lead.* or *' })
  eventTypes: string[];

  @ApiPropertyOptional({
    description: 'Target system: the current mapping for (event type, system) transforms data',
    example: 'crm',
  })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_-]{0,49}$/)
  system?: string;

  @ApiPropertyOptional({
    description: 'Extra headers sent with every delivery (stored encrypted)',
    example: { 'X-Api-Token': 'abc' },
    additionalProperties: { type: 'string' },
  })
  @IsOptional()
  @IsObject()
  headers?: Record<string, string>;

  @ApiPropertyOptional({
    description: 'Deliveries per second at most; extra ones wait without using an attempt',
    example: 10,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  rateLimitPerSecond?: number;

  @ApiPropertyOptional({ description: 'Disabled endpoints receive nothing', example: true, default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateEndpointDto {
  @ApiPropertyOptional({ description: 'Name', example: 'CRM' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({ description: 'Delivery URL', example: 'https://crm.example.com/hooks/ponte' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({ description: 'Event type patterns', example: ['lead.*'], type: [String] })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @Matches(PATTERN, { each: true, message: 'each event type must look like lead.created, lead.* or *' })
  eventTypes?: string[];

  @ApiPropertyOptional({
    description: 'Target system for mappings; null removes it',
    example: 'crm',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_-]{0,49}$/)
  system?: string | null;

  @ApiPropertyOptional({
    description: 'Extra headers (replaces the current ones)',
    example: { 'X-Api-Token': 'abc' },
    additionalProperties: { type: 'string' },
  })
  @IsOptional()
  @IsObject()
  headers?: Record<string, string>;

  @ApiPropertyOptional({ description: 'Deliveries per second at most', example: 10 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  rateLimitPerSecond?: number;

  @ApiPropertyOptional({ description: 'Enable (clears an automatic disable) or disable', example: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class RecoverDto {
  @ApiProperty({
    description: 'Re-send the deliveries that failed since this time (ISO 8601)',
    example: '2026-11-22T00:00:00Z',
  })
  @IsDateString()
  since: string;
}

export class EndpointView {
  @ApiProperty({ description: 'Endpoint id', example: '01936b2e-1f2a-7cc3-8a4b-1234567890ab' })
  id: string;
  @ApiProperty({ description: 'Name', example: 'CRM' })
  name: string;
  @ApiProperty({ description: 'Delivery URL', example: 'https://crm.example.com/hooks/ponte' })
  url: string;
  @ApiProperty({ description: 'Event type patterns', example: ['lead.*'], type: [String] })
  eventTypes: string[];
  @ApiProperty({ description: 'Target system for mappings', nullable: true, type: String, example: 'crm' })
  system: string | null;
  @ApiProperty({
    description: 'Extra headers, values masked',
    example: { 'X-Api-Token': '••••' },
    additionalProperties: { type: 'string' },
  })
  headers: Record<string, string>;
  @ApiProperty({ description: 'Deliveries per second at most', nullable: true, type: Number, example: null })
  rateLimitPerSecond: number | null;
  @ApiProperty({ description: 'Whether deliveries are sent', example: true })
  enabled: boolean;
  @ApiProperty({
    description: 'Why it was disabled (410, 5 days of failures, by hand)',
    nullable: true,
    type: String,
    example: null,
  })
  disabledReason: string | null;
  @ApiProperty({ description: 'The signing secret, masked', example: 'whsec_••••' })
  secret: string;
  @ApiProperty({ description: 'Creation time', example: '2026-11-22T12:00:00.000Z' })
  createdAt: string;
}

export class EndpointWithSecretView extends EndpointView {
  @ApiProperty({
    description: 'The signing secret (whsec_...), shown once: verify deliveries with it',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  })
  declare secret: string;
}

export class EndpointPage extends PageOf(EndpointView) {}
