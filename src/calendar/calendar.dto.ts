import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsDateString,
  IsEmail,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { PageOf, PageQuery } from '../platform/http/pagination';
import {
  CONNECTION_KINDS,
  CONNECTION_STATUSES,
  type ConnectionKind,
  type ConnectionStatus,
} from './calendar-connection.entity';
import { WEEKDAYS, type Weekday } from '../platform/zoned-time';

const CALENDAR_ID = /^[^\s/]{1,254}$/;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

export class ServiceAccountKeyDto {
  @ApiProperty({
    description: 'The key JSON’s `client_email`',
    example: 'ponte@proj.iam.gserviceaccount.com',
  })
  @IsEmail()
  client_email: string;

  @ApiProperty({ description: 'The key JSON’s `private_key` (PEM); stored sealed, never shown again' })
  @IsString()
  @Length(100, 10_000)
  private_key: string;
}

export class CreateCalendarConnectionDto {
  @ApiProperty({
    description: '`oauth`: answers a Google consent URL to open; `service_account`: a Google Workspace key',
    enum: CONNECTION_KINDS,
    example: 'oauth',
  })
  @IsIn(CONNECTION_KINDS)
  kind: ConnectionKind;

  @ApiPropertyOptional({ description: 'A name to recognise it by', example: 'Agenda da clínica' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({
    description: 'Calendars to sync and book into; the first is the default',
    example: ['primary'],
    default: ['primary'],
  })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @Matches(CALENDAR_ID, { each: true })
  calendarIds?: string[];

  @ApiPropertyOptional({
    description: 'Service account key (kind service_account)',
    type: ServiceAccountKeyDto,
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ServiceAccountKeyDto)
  serviceAccount?: ServiceAccountKeyDto;

  @ApiPropertyOptional({
    description: 'Service accounts with domain-wide delegation: the user whose calendars are used',
    example: 'agenda@clinica.com.br',
  })
  @IsOptional()
  @IsEmail()
  subject?: string;
}

export class CalendarConnectionView {
  @ApiProperty({ description: 'Connection id', format: 'uuid' }) id: string;
  @ApiProperty({ description: 'How Ponte reaches Google', enum: CONNECTION_KINDS }) kind: ConnectionKind;
  @ApiProperty({ description: 'Name', example: 'Agenda da clínica' }) name: string;
  @ApiProperty({
    description: '`pending` until consent; `needs_reauth` when Google revoked the grant (open a new consent)',
    enum: CONNECTION_STATUSES,
  })
  status: ConnectionStatus;
  @ApiProperty({ description: 'Calendars synced; the first is the default', example: ['primary'] })
  calendarIds: string[];
  @ApiProperty({ description: 'Last completed sync', nullable: true, type: String, format: 'date-time' })
  lastSyncedAt: string | null;
  @ApiProperty({ description: 'Last sync or push error', nullable: true, type: String }) lastError:
    string | null;
  @ApiProperty({ description: 'Created', format: 'date-time' }) createdAt: string;
}

export class CreatedCalendarConnectionView extends CalendarConnectionView {
  @ApiPropertyOptional({
    description: 'OAuth only: open it in a browser; Google sends the user back to the callback',
    example: 'https://accounts.google.com/o/oauth2/v2/auth?...',
  })
  authorizationUrl?: string;
}

export class CalendarConnectionPage extends PageOf(CalendarConnectionView) {}

export class OAuthCallbackQuery {
  @ApiPropertyOptional({ description: 'Authorization code from Google' })
  @IsOptional()
  @IsString()
  @Length(1, 2048)
  code?: string;

  @ApiProperty({ description: 'The state Ponte put in the consent URL' })
  @IsString()
  @Length(1, 512)
  state: string;

  @ApiPropertyOptional({ description: 'Set by Google when the user refused', example: 'access_denied' })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  error?: string;

  @ApiPropertyOptional({ description: 'Scopes granted' })
  @IsOptional()
  @IsString()
  @Length(0, 2048)
  scope?: string;
}

class EventFields {
  @ApiPropertyOptional({ description: 'Title', example: 'Consulta — Maria' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  summary?: string;

  @ApiPropertyOptional({ description: 'Description', example: 'Agendado via WhatsApp' })
  @IsOptional()
  @IsString()
  @Length(0, 8000)
  description?: string;

  @ApiPropertyOptional({ description: 'Where', example: 'Rua da Bahia, 1148' })
  @IsOptional()
  @IsString()
  @Length(0, 500)
  location?: string;

  @ApiPropertyOptional({ description: 'Book even when the time overlaps other events', default: false })
  @IsOptional()
  @IsBoolean()
  allowConflicts?: boolean;
}

export class CreateCalendarEventDto extends EventFields {
  @ApiPropertyOptional({
    description: 'Connection (default: the workspace’s first active one)',
    format: 'uuid',
  })
  @IsOptional()
  @IsUUID()
  connectionId?: string;

  @ApiPropertyOptional({ description: 'Calendar (default: the connection’s first)', example: 'primary' })
  @IsOptional()
  @Matches(CALENDAR_ID)
  calendarId?: string;

  @ApiProperty({ description: 'Start (ISO 8601)', example: '2026-05-12T15:00:00-03:00' })
  @IsDateString({ strict: true })
  startsAt: string;

  @ApiProperty({ description: 'End (ISO 8601), after the start', example: '2026-05-12T15:30:00-03:00' })
  @IsDateString({ strict: true })
  endsAt: string;

  @ApiPropertyOptional({ description: 'IANA time zone Google shows it in', example: 'America/Sao_Paulo' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  timeZone?: string;
}

export class UpdateCalendarEventDto extends EventFields {
  @ApiPropertyOptional({ description: 'New start (ISO 8601)' })
  @IsOptional()
  @IsDateString({ strict: true })
  startsAt?: string;

  @ApiPropertyOptional({ description: 'New end (ISO 8601)' })
  @IsOptional()
  @IsDateString({ strict: true })
  endsAt?: string;
}

export class CalendarEventQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Calendar (default: every calendar)', example: 'primary' })
  @IsOptional()
  @Matches(CALENDAR_ID)
  calendarId?: string;

  @ApiPropertyOptional({ description: 'Connection', format: 'uuid' })
  @IsOptional()
  @IsUUID()
  connectionId?: string;

  @ApiPropertyOptional({ description: 'Events ending after this time', format: 'date-time' })
  @IsOptional()
  @IsDateString({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Events starting before this time', format: 'date-time' })
  @IsOptional()
  @IsDateString({ strict: true })
  to?: string;
}

export class CalendarEventView {
  @ApiProperty({ description: 'Event id (Ponte)', format: 'uuid' }) id: string;
  @ApiProperty({ description: 'Connection', format: 'uuid' }) connectionId: string;
  @ApiProperty({ description: 'Calendar', example: 'primary' }) calendarId: string;
  @ApiProperty({ description: 'The event’s id at Google' }) googleEventId: string;
  @ApiProperty({ description: 'Title', nullable: true, type: String }) summary: string | null;
  @ApiProperty({ description: 'Description', nullable: true, type: String }) description: string | null;
  @ApiProperty({ description: 'Where', nullable: true, type: String }) location: string | null;
  @ApiProperty({ description: 'Start', format: 'date-time' }) startsAt: string;
  @ApiProperty({ description: 'End', format: 'date-time' }) endsAt: string;
  @ApiProperty({ description: 'confirmed, tentative or cancelled' }) status: string;
  @ApiProperty({ description: 'The appointment it mirrors', nullable: true, type: String, format: 'uuid' })
  appointmentId: string | null;
  @ApiProperty({
    description: '`synced`, or the change still to reach Google (`create`, `update`, `delete`)',
    example: 'synced',
  })
  pushState: string;
  @ApiProperty({ description: 'Last error pushing it to Google', nullable: true, type: String })
  pushError: string | null;
}

export class CalendarEventPage extends PageOf(CalendarEventView) {}

export class WallRangeDto {
  @ApiProperty({ description: 'Local start, HH:mm', example: '09:00' })
  @Matches(HHMM)
  start: string;

  @ApiProperty({ description: 'Local end, HH:mm (24:00 for midnight)', example: '18:00' })
  @Matches(HHMM)
  end: string;
}

export class BreakDto extends WallRangeDto {
  @ApiPropertyOptional({
    description: 'Weekdays it applies to (default: every day)',
    enum: WEEKDAYS,
    isArray: true,
  })
  @IsOptional()
  @IsIn(WEEKDAYS, { each: true })
  days?: Weekday[];
}

export class AvailabilityDto {
  @ApiPropertyOptional({
    description: 'Calendars whose busy times count (default: the connection’s)',
    example: ['primary'],
  })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @Matches(CALENDAR_ID, { each: true })
  calendarIds?: string[];

  @ApiPropertyOptional({
    description: 'Connection (default: the workspace’s first active one)',
    format: 'uuid',
  })
  @IsOptional()
  @IsUUID()
  connectionId?: string;

  @ApiProperty({ description: 'From (ISO 8601)', example: '2026-05-11T00:00:00-03:00' })
  @IsDateString({ strict: true })
  from: string;

  @ApiProperty({
    description: 'To (ISO 8601), at most 62 days after from',
    example: '2026-05-16T00:00:00-03:00',
  })
  @IsDateString({ strict: true })
  to: string;

  @ApiProperty({ description: 'Length of each slot in minutes', example: 30, minimum: 5, maximum: 1440 })
  @IsInt()
  @Min(5)
  @Max(1440)
  slotMinutes: number;

  @ApiPropertyOptional({
    description: 'Opening hours per weekday (mon…sun → [{start, end}]); default Mon–Fri 09:00–18:00',
    example: { mon: [{ start: '09:00', end: '18:00' }], sat: [{ start: '09:00', end: '13:00' }] },
  })
  @IsOptional()
  @IsObject()
  workingHours?: Partial<Record<Weekday, WallRangeDto[]>>;

  @ApiPropertyOptional({ description: 'Breaks (lunch)', type: [BreakDto] })
  @IsOptional()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => BreakDto)
  breaks?: BreakDto[];

  @ApiPropertyOptional({ description: 'Free minutes kept before and after every busy period', example: 10 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(240)
  bufferMinutes?: number;

  @ApiPropertyOptional({
    description: 'IANA time zone of the hours (default: the workspace’s)',
    example: 'America/Sao_Paulo',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  timeZone?: string;

  @ApiPropertyOptional({ description: 'At most this many slots', example: 20, maximum: 500 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class SlotView {
  @ApiProperty({ description: 'Start', format: 'date-time' }) start: string;
  @ApiProperty({ description: 'End', format: 'date-time' }) end: string;
}

export class AvailabilityView {
  @ApiProperty({ description: 'Time zone the hours were read in', example: 'America/Sao_Paulo' })
  timeZone: string;
  @ApiProperty({ description: 'Free slots, earliest first', type: [SlotView] }) slots: SlotView[];
  @ApiProperty({
    description:
      'Calendars Google could not answer for (`notFound`, no access): their busy times are unknown',
    example: { 'sala1@group.calendar.google.com': 'notFound' },
    additionalProperties: { type: 'string' },
  })
  calendarErrors: Record<string, string>;
}
