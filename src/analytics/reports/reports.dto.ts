import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsIn, IsOptional } from 'class-validator';

export const REPORT_FORMATS = ['xlsx', 'pdf', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export class ReportQuery {
  @ApiPropertyOptional({ description: 'File format', enum: REPORT_FORMATS, default: 'xlsx' })
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: ReportFormat;

  @ApiPropertyOptional({
    description:
      'Start: a date (`2026-11-01`, local midnight in the workspace time zone) or an ISO instant; default 7 days before `to`',
    example: '2026-11-01',
  })
  @IsOptional()
  @IsDateString({ strict: true })
  from?: string;

  @ApiPropertyOptional({
    description:
      'End: a date (that whole day included) or an ISO instant (excluded); default today’s local midnight. At most 366 days after `from`',
    example: '2026-11-30',
  })
  @IsOptional()
  @IsDateString({ strict: true })
  to?: string;
}
