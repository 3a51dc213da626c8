import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsDateString,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import { PageOf, PageQuery } from '../../platform/http/pagination';
import { EVENT_STATUSES, EventAttempt, EventStatus } from './event.entity';

export class CreateEventDto {
  @ApiProperty({ description: 'Dotted lower-case event type', example: 'lead.created' })
  @Matches(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, {
    message: 'type must be dotted lower-case, e.g. lead.created',
  })
  @MaxLength(100)
  type: string;

  @ApiProperty({
    description: 'The event payload',
    example: { name: 'Maria', phone: '+5531992953088', utm_campaign: 'black-friday' },
  })
  @IsObject()
  data: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'When it happened (ISO 8601); now when omitted',
    example: '2026-11-22T12:00:00Z',
  })
  @IsOptional()
  @IsDateString()
  occurredAt?: string;
}

export class EventQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Exact event type', example: 'whatsapp.message.received' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  type?: string;

  @ApiPropertyOptional({
    description: 'Source id (webhook events)',
    example: '01936b2e-1f2a-7cc3-8a4b-1234567890ab',
  })
  @IsOptional()
  @IsUUID()
  source?: string;

  @ApiPropertyOptional({ description: 'Processing status', enum: EVENT_STATUSES })
  @IsOptional()
  @IsIn(EVENT_STATUSES)
  status?: EventStatus;

  @ApiPropertyOptional({ description: 'Received at or after (ISO 8601)', example: '2026-11-01T00:00:00Z' })
  @IsOptional()
  @IsDateString()
  from?: string;

  @ApiPropertyOptional({ description: 'Received before (ISO 8601)', example: '2026-12-01T00:00:00Z' })
  @IsOptional()
  @IsDateString()
  to?: string;
}

export class StatsQuery {
  @ApiPropertyOptional({
    description: 'Received at or after (ISO 8601); default 24 h ago',
    example: '2026-11-01T00:00:00Z',
  })
  @IsOptional()
  @IsDateString()
  from?: string;

  @ApiPropertyOptional({
    description: 'Received before (ISO 8601); default now',
    example: '2026-12-01T00:00:00Z',
  })
  @IsOptional()
  @IsDateString()
  to?: string;
}

export class AcceptedEventView {
  @ApiProperty({ description: 'Event id', example: '01936b2e-1f2a-7cc3-8a4b-1234567890ab' })
  id: string;
  @ApiProperty({ description: 'Status right after acceptance', enum: EVENT_STATUSES, example: 'received' })
  status: EventStatus;
}

export class EventAttemptView implements EventAttempt {
  @ApiProperty({ description: 'Attempt number', example: 1 })
  attempt: number;
  @ApiProperty({ description: 'Start', example: '2026-11-22T12:00:00.000Z' })
  startedAt: string;
  @ApiProperty({ description: 'End', example: '2026-11-22T12:00:00.020Z' })
  finishedAt: string;
  @ApiProperty({ description: 'Outcome', enum: ['processed', 'failed'], example: 'processed' })
  outcome: 'processed' | 'failed';
  @ApiPropertyOptional({ description: 'Error of a failed attempt', example: 'deliveries: timeout' })
  error?: string;
}

export class EventView {
  @ApiProperty({ description: 'Event id (UUIDv7)', example: '01936b2e-1f2a-7cc3-8a4b-1234567890ab' })
  id: string;
  @ApiProperty({ description: 'Event type', example: 'whatsapp.message.received' })
  type: string;
  @ApiProperty({
    description: 'Source id; null for events posted to the API',
    nullable: true,
    type: String,
    example: null,
  })
  source: string | null;
  @ApiProperty({ description: 'Processing status', enum: EVENT_STATUSES, example: 'processed' })
  status: EventStatus;
  @ApiProperty({ description: 'When it happened', example: '2026-11-22T12:00:00.000Z' })
  occurredAt: string;
  @ApiProperty({ description: 'When Ponte received it', example: '2026-11-22T12:00:00.010Z' })
  receivedAt: string;
  @ApiProperty({
    description: 'Canonical payload',
    example: { from: '5531992953088', kind: 'text', text: 'Olá' },
  })
  data: Record<string, unknown>;
  @ApiProperty({ description: 'Attempts made', example: 1 })
  attempts: number;
  @ApiProperty({ description: 'Last error', nullable: true, type: String, example: null })
  lastError: string | null;
  @ApiProperty({
    description: 'When it was processed',
    nullable: true,
    type: String,
    example: '2026-11-22T12:00:00.030Z',
  })
  processedAt: string | null;
}

export class EventDetailView extends EventView {
  @ApiProperty({ description: 'Every processing attempt', type: [EventAttemptView] })
  attemptLog: EventAttemptView[];

  @ApiProperty({
    description: 'Deliveries of this event to endpoints: id, endpoint, status, attempts',
    example: [
      {
        id: '01936b2e-1f2a-7cc3-8a4b-1234567890ab',
        endpointId: '01936b2e-1f2a-7cc3-8a4b-1234567890ac',
        status: 'succeeded',
        attempts: 1,
      },
    ],
    type: 'array',
    items: { type: 'object' },
  })
  deliveries: unknown[];

  @ApiProperty({
    description: 'Workflow executions this event started (empty until workflows exist)',
    example: [],
    type: 'array',
    items: { type: 'object' },
  })
  executions: unknown[];
}

export class EventPage extends PageOf(EventView) {}

export class EventStatsView {
  @ApiProperty({ description: 'Window start', example: '2026-11-21T12:00:00.000Z' })
  from: string;
  @ApiProperty({ description: 'Window end', example: '2026-11-22T12:00:00.000Z' })
  to: string;
  @ApiProperty({ description: 'Events received in the window', example: 1520 })
  total: number;
  @ApiProperty({ description: 'Counts by status', example: { processed: 1500, failed: 2, dead: 1 } })
  byStatus: Record<string, number>;
  @ApiProperty({
    description: 'Counts by type',
    example: { 'whatsapp.message.received': 1200, 'lead.created': 320 },
  })
  byType: Record<string, number>;
}
