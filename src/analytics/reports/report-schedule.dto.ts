import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsTimeZone,
  Max,
  Min,
} from 'class-validator';
import { WEEKDAYS, type Weekday } from '../../platform/zoned-time';
import type { ReportSchedule } from './report-schedule.entity';
import { REPORT_FORMATS, type ReportFormat } from './reports.dto';

export class PutReportScheduleDto {
  @ApiProperty({
    description: 'Who receives the report (1–20 addresses)',
    example: ['gestao@clinica.com.br'],
  })
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsEmail({}, { each: true })
  recipients: string[];

  @ApiProperty({ description: 'Attachment format', enum: REPORT_FORMATS, example: 'pdf' })
  @IsIn(REPORT_FORMATS)
  format: ReportFormat;

  @ApiProperty({ description: 'Day of the week it is sent', enum: WEEKDAYS, example: 'mon' })
  @IsIn(WEEKDAYS)
  weekday: Weekday;

  @ApiProperty({ description: 'Hour it is sent (0–23, local time)', example: 8 })
  @IsInt()
  @Min(0)
  @Max(23)
  hour: number;

  @ApiProperty({
    description: 'IANA time zone of weekday, hour and the report’s days',
    example: 'America/Sao_Paulo',
  })
  @IsTimeZone()
  timeZone: string;

  @ApiProperty({
    description: 'False pauses the schedule (kept); default true',
    required: false,
    example: true,
  })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class ReportScheduleView {
  @ApiProperty({ description: 'E-mail addresses the report is sent to', type: [String] })
  recipients: string[];
  @ApiProperty({ description: 'Attachment format', enum: REPORT_FORMATS }) format: ReportFormat;
  @ApiProperty({ description: 'Day of the week it is sent', enum: WEEKDAYS }) weekday: Weekday;
  @ApiProperty({ description: 'Hour it is sent (0–23, local time)' }) hour: number;
  @ApiProperty({ description: 'IANA time zone of the weekday and hour' }) timeZone: string;
  @ApiProperty({ description: 'A disabled schedule sends nothing' }) enabled: boolean;
  @ApiProperty({ description: 'When it is sent next (ISO instant)' }) nextRunAt: string;
  @ApiProperty({ type: String, nullable: true, description: 'When it was last sent' }) lastSentAt:
    string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why the last run sent nothing' })
  lastError: string | null;
}

export function toScheduleView(s: ReportSchedule): ReportScheduleView {
  return {
    recipients: s.recipients,
    format: s.format,
    weekday: s.weekday,
    hour: s.hour,
    timeZone: s.timeZone,
    enabled: s.enabled,
    nextRunAt: s.nextRunAt.toISOString(),
    lastSentAt: s.lastSentAt?.toISOString() ?? null,
    lastError: s.lastError,
  };
}
