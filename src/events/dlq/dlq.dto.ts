import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsDateString, IsIn, IsOptional, IsUUID, ValidateNested } from 'class-validator';
import { PageOf, PageQuery } from '../../platform/http/pagination';
import { DLQ_KINDS, DlqKind } from './dlq-kinds';

export class DlqFilter {
  @ApiPropertyOptional({ description: 'What failed', enum: DLQ_KINDS, example: 'event' })
  @IsOptional()
  @IsIn(DLQ_KINDS)
  kind?: DlqKind;

  @ApiPropertyOptional({
    description: 'Only deliveries to this endpoint',
    example: '01936b2e-1f2a-7cc3-8a4b-1234567890ab',
  })
  @IsOptional()
  @IsUUID()
  endpointId?: string;

  @ApiPropertyOptional({
    description: 'Dead-lettered at or after (ISO 8601)',
    example: '2026-11-01T00:00:00Z',
  })
  @IsOptional()
  @IsDateString()
  from?: string;

  @ApiPropertyOptional({ description: 'Dead-lettered before (ISO 8601)', example: '2026-12-01T00:00:00Z' })
  @IsOptional()
  @IsDateString()
  to?: string;

  @ApiPropertyOptional({
    description: 'Archived entries instead of open ones (lists default to open)',
    example: false,
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  archived?: boolean;
}

export class DlqQuery extends IntersectionType(PageQuery, DlqFilter) {}

export class DlqRetryDto {
  @ApiProperty({ description: 'Which open entries to retry (at most 1000 at a time)', type: DlqFilter })
  @ValidateNested()
  @Type(() => DlqFilter)
  filter: DlqFilter;
}

export class DlqEntryView {
  @ApiProperty({ description: 'Entry id', example: '01936b2e-1f2a-7cc3-8a4b-1234567890ab' })
  id: string;
  @ApiProperty({ description: 'What failed', enum: DLQ_KINDS, example: 'event' })
  kind: DlqKind;
  @ApiProperty({
    description: 'Id of the event, delivery or notification',
    example: '01936b2e-1f2a-7cc3-8a4b-1234567890ab',
  })
  refId: string;
  @ApiProperty({ description: 'Endpoint of a delivery', nullable: true, type: String, example: null })
  endpointId: string | null;
  @ApiProperty({ description: 'What it is about (event type...)', example: 'lead.created' })
  summary: string;
  @ApiProperty({ description: 'Last error', example: 'crm.upsertLead: 500 Internal Server Error' })
  error: string;
  @ApiProperty({ description: 'Attempts made', example: 5 })
  attempts: number;
  @ApiProperty({ description: 'When it was dead-lettered', example: '2026-11-22T12:00:00.000Z' })
  createdAt: string;
  @ApiProperty({ description: 'When it was archived', nullable: true, type: String, example: null })
  archivedAt: string | null;
  @ApiProperty({
    description: 'When it was last retried from here',
    nullable: true,
    type: String,
    example: null,
  })
  retriedAt: string | null;
}

export class DlqEntryPage extends PageOf(DlqEntryView) {}

export class DlqStatsView {
  @ApiProperty({ description: 'Open entries', example: 3 })
  total: number;
  @ApiProperty({ description: 'Open entries by kind', example: { event: 2, delivery: 1 } })
  byKind: Record<string, number>;
  @ApiProperty({ description: 'Archived entries', example: 10 })
  archived: number;
  @ApiProperty({
    description: 'Oldest open entry',
    nullable: true,
    type: String,
    example: '2026-11-22T12:00:00.000Z',
  })
  oldest: string | null;
}

export class DlqRetriedView {
  @ApiProperty({ description: 'Entries sent for another attempt', example: 3 })
  retried: number;
}
