import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsString, Length, Matches, MaxLength } from 'class-validator';
import { PageOf } from '../../platform/http/pagination';

/** Exact event types only (no `lead.*`): a mapping shapes one kind of payload. */
export const EVENT_TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
export const EVENT_TYPE_MAX = 100;
/** The same rule as an endpoint's `system`. */
export const SYSTEM = /^[a-z][a-z0-9_-]{0,49}$/;
export const EXPRESSION_MAX = 10_000;

/**
 * Any JSON value. Without this, Swagger would say `type: object` and the generated client would
 * type it `Record<string, never>`, which no real value fits.
 */
const ANY_JSON = [
  { type: 'object', additionalProperties: true },
  { type: 'array', items: {} },
  { type: 'string' },
  { type: 'number' },
  { type: 'boolean' },
];

const EXAMPLE_EXPRESSION = '{ "nome": name, "telefone": phone, "origem": utm_campaign }';

export class CreateMappingDto {
  @ApiProperty({
    description: 'Dotted lower-case event type the mapping applies to',
    example: 'lead.created',
  })
  @Matches(EVENT_TYPE, { message: 'eventType must be dotted lower-case, e.g. lead.created' })
  @MaxLength(EVENT_TYPE_MAX)
  eventType: string;

  @ApiProperty({
    description: 'Target system: endpoints naming this `system` get their data mapped',
    example: 'crm',
  })
  @Matches(SYSTEM, {
    message: 'system must be 1-50 lower-case letters, digits, _ or -, starting with a letter',
  })
  system: string;

  @ApiProperty({
    description: 'JSONata expression; its input (`$`) is the event’s `data`, its result the data sent',
    example: EXAMPLE_EXPRESSION,
    maxLength: EXPRESSION_MAX,
  })
  @IsString()
  @Length(1, EXPRESSION_MAX)
  expression: string;
}

export class TestMappingDto {
  @ApiProperty({
    description: 'JSONata expression to try',
    example: '{ "nome": data.name }',
    maxLength: EXPRESSION_MAX,
  })
  @IsString()
  @Length(1, EXPRESSION_MAX)
  expression: string;

  @ApiProperty({
    description: 'Input document (the expression’s `$`): any JSON value, e.g. an event’s data',
    example: { data: { name: 'Ana' } },
    oneOf: ANY_JSON,
  })
  @IsDefined()
  data: unknown;
}

export class MappingView {
  @ApiProperty({
    description: 'Id of this version (UUIDv7)',
    example: '01936b2e-1f2a-7cc3-8a4b-1234567890ab',
  })
  id: string;
  @ApiProperty({ description: 'Event type the mapping applies to', example: 'lead.created' })
  eventType: string;
  @ApiProperty({ description: 'Target system', example: 'crm' })
  system: string;
  @ApiProperty({ description: 'Version, from 1; the highest is current', type: 'integer', example: 2 })
  version: number;
  @ApiProperty({ description: 'JSONata expression', example: EXAMPLE_EXPRESSION })
  expression: string;
  @ApiProperty({ description: 'Creation time (ISO 8601 UTC)', example: '2026-11-22T12:00:00.000Z' })
  createdAt: string;
}

export class MappingPage extends PageOf(MappingView) {}

export class MappingTestView {
  @ApiProperty({
    description: 'What the expression yields for `data`: any JSON value; null when it yields nothing',
    example: { nome: 'Ana' },
    nullable: true,
    oneOf: ANY_JSON,
  })
  output: unknown;
}
