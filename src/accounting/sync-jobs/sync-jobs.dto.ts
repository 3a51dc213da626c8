import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsDateString,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  MaxLength,
} from 'class-validator';
import { PageOf } from '../../platform/http/pagination';
import { SYNC_JOB_TEMPLATES } from './sync-job-templates';

const SOURCE_DOC =
  'endpoint {url, headers?, pageSize? (100), cursorParam? ("cursor"), limitParam? ("limit"), updatedSinceParam?, records? (JSONata over the body, "data"), nextCursor? (JSONata, "nextCursor"), updatedAt? (JSONata over a record)} or connection {connectionId, entityType: customer|invoice|payment, pageSize?} (the adapter\'s fetchChanges). Header values are stored encrypted and shown masked.';
const TARGET_DOC =
  "endpoint {url (with {key}), method? PUT|POST|PATCH, headers?} — each write carries an Idempotency-Key; connection {connectionId, entityType} (setupCustomer, syncInvoice, syncPayment); contacts {} (Ponte's contacts, upserted by externalId = the key unless the mapping sets one).";
const TEMPLATE_KEYS = SYNC_JOB_TEMPLATES.map((t) => t.key);

export class ScheduleDto {
  @ApiProperty({ description: 'Cron expression (5 fields)', example: '0 * * * *' })
  @IsString()
  @MaxLength(100)
  cron: string;

  @ApiPropertyOptional({
    description: 'IANA time zone',
    default: 'America/Sao_Paulo',
    example: 'America/Sao_Paulo',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string;
}

export class CreateSyncJobDto {
  @ApiPropertyOptional({ description: "A name; the template's by default", example: 'CRM → operations' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({
    description: 'Start from a built-in template (schedule, mapping, key)',
    enum: TEMPLATE_KEYS,
  })
  @IsOptional()
  @IsIn(TEMPLATE_KEYS)
  template?: string;

  @ApiProperty({
    description: `Where records are read. ${SOURCE_DOC}`,
    additionalProperties: true,
    example: { kind: 'endpoint', url: 'https://crm.example.com/api/clients', pageSize: 100 },
  })
  @IsObject()
  source: Record<string, unknown>;

  @ApiProperty({
    description: `Where records are upserted. ${TARGET_DOC}`,
    additionalProperties: true,
    example: { kind: 'endpoint', url: 'https://ops.example.com/api/clients/{key}', method: 'PUT' },
  })
  @IsObject()
  target: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'JSONata over a source record: what is written ("$": the record as is)',
    example: '{"name": name, "phone": phone}',
  })
  @IsOptional()
  @IsString()
  @Length(1, 20_000)
  mapping?: string;

  @ApiPropertyOptional({
    description: 'JSONata over a source record: its stable id (the upsert key); default `id`',
    example: 'id',
  })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  key?: string;

  @ApiPropertyOptional({
    description: 'When it runs by itself; null: only when started',
    type: ScheduleDto,
    nullable: true,
  })
  @IsOptional()
  @IsObject()
  schedule?: ScheduleDto | null;

  @ApiPropertyOptional({ description: 'Disabled jobs do not run on schedule', default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class SyncFailureView {
  @ApiProperty({ description: 'The record key, when it had one', nullable: true, type: String }) key:
    string | null;
  @ApiProperty({ description: 'Why it failed' }) error: string;
  @ApiProperty({ description: 'When (ISO 8601)' }) at: string;
}

export class SyncRunView {
  @ApiProperty({ description: 'Run id' }) id: string;
  @ApiProperty({ description: 'running, succeeded or failed', enum: ['running', 'succeeded', 'failed'] })
  status: string;
  @ApiProperty({ description: 'manual or schedule' }) trigger: string;
  @ApiProperty({ description: 'Pages done (the checkpoint)' }) pages: number;
  @ApiProperty({ description: 'Cursor of the next page', nullable: true, type: String }) cursor:
    string | null;
  @ApiProperty({ description: 'Records read' }) read: number;
  @ApiProperty({ description: 'Records new at the target' }) created: number;
  @ApiProperty({ description: 'Records changed at the target' }) updated: number;
  @ApiProperty({ description: 'Records skipped: same content as last written' }) unchanged: number;
  @ApiProperty({ description: 'Records that failed' }) failed: number;
  @ApiProperty({ description: 'The first failures (at most 100)', type: [SyncFailureView] })
  failures: SyncFailureView[];
  @ApiProperty({ description: 'Why the run failed, or the last page retry', nullable: true, type: String })
  error: string | null;
  @ApiProperty({ description: 'Started (ISO 8601)' }) startedAt: string;
  @ApiProperty({ description: 'Finished (ISO 8601)', nullable: true, type: String }) finishedAt:
    string | null;
}

export class SyncJobView {
  @ApiProperty({ description: 'Job id' }) id: string;
  @ApiProperty({ description: 'Name' }) name: string;
  @ApiProperty({ description: 'Template it came from', nullable: true, type: String }) template:
    string | null;
  @ApiProperty({ description: 'Source (header values masked)', additionalProperties: true }) source: Record<
    string,
    unknown
  >;
  @ApiProperty({ description: 'Target (header values masked)', additionalProperties: true }) target: Record<
    string,
    unknown
  >;
  @ApiProperty({ description: 'JSONata mapping' }) mapping: string;
  @ApiProperty({ description: 'JSONata key expression' }) key: string;
  @ApiProperty({ description: 'Schedule', nullable: true, type: ScheduleDto }) schedule: ScheduleDto | null;
  @ApiProperty({ description: 'Runs on schedule' }) enabled: boolean;
  @ApiProperty({ description: 'updated_since sources: newest change seen', nullable: true, type: String })
  watermark: string | null;
  @ApiProperty({ description: 'Last run', nullable: true, type: SyncRunView }) lastRun: SyncRunView | null;
  @ApiProperty({ description: 'Created (ISO 8601)' }) createdAt: string;
  @ApiProperty({ description: 'Last changed (ISO 8601)' }) updatedAt: string;
}

export class SyncJobDetailView extends SyncJobView {
  @ApiProperty({ description: 'The latest runs, newest first (at most 20)', type: [SyncRunView] })
  runs: SyncRunView[];
}

export class SyncJobPage extends PageOf(SyncJobView) {}

export class SyncTemplateView {
  @ApiProperty({ description: 'Template key' }) key: string;
  @ApiProperty({ description: 'Name' }) name: string;
  @ApiProperty({ description: 'What it does' }) description: string;
  @ApiProperty({ description: 'Schedule', type: ScheduleDto }) schedule: ScheduleDto;
  @ApiProperty({ description: 'Default JSONata mapping' }) mapping: string;
  @ApiProperty({ description: 'Default key expression' }) keyExpression: string;
}

export class SyncStatsQuery {
  @ApiPropertyOptional({ description: 'Runs started at or after (ISO 8601); default 24 h ago' })
  @IsOptional()
  @IsDateString()
  from?: string;

  @ApiPropertyOptional({ description: 'Runs started before (ISO 8601); default now' })
  @IsOptional()
  @IsDateString()
  to?: string;
}

export class SyncStatsView {
  @ApiProperty({ description: 'Jobs defined' }) jobs: number;
  @ApiProperty({ description: 'Jobs with an enabled schedule' }) scheduled: number;
  @ApiProperty({
    description: 'Runs by status in the period',
    additionalProperties: { type: 'number' },
    example: { succeeded: 3 },
  })
  runs: Record<string, number>;
  @ApiProperty({
    description: 'Records in the period',
    additionalProperties: { type: 'number' },
    example: { read: 200, created: 150, updated: 10, unchanged: 40, failed: 0 },
  })
  records: Record<string, number>;
  @ApiProperty({ description: 'From (ISO 8601)' }) from: string;
  @ApiProperty({ description: 'To (ISO 8601)' }) to: string;
}
