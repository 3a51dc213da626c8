import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Length } from 'class-validator';
import { DIMENSIONS } from './facts/fact';
import { TREND_METRICS, type TrendInterval, type TrendMetric } from './analytics.types';

const INTERVALS: TrendInterval[] = ['hour', 'day', 'week', 'month'];

export class KpiQuery {
  @ApiPropertyOptional({
    description: 'Start (ISO 8601 instant), taken down to the hour; default 7 days before `to`',
    example: '2026-11-01T03:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({
    description: 'End, exclusive (ISO 8601 instant), taken down to the hour; default now',
    example: '2026-12-01T03:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class TrendQueryDto extends KpiQuery {
  @ApiProperty({ description: 'What to count', enum: TREND_METRICS })
  @IsIn(TREND_METRICS)
  metric: TrendMetric;

  @ApiPropertyOptional({ description: 'Bucket size (default day)', enum: INTERVALS })
  @IsOptional()
  @IsIn(INTERVALS)
  interval?: TrendInterval;

  @ApiPropertyOptional({ description: 'One series per value of this dimension', enum: DIMENSIONS })
  @IsOptional()
  @IsIn(DIMENSIONS)
  groupBy?: string;

  @ApiPropertyOptional({
    description: 'IANA time zone buckets start in (default: the workspace’s, see GET /v1/workspace)',
    example: 'America/Sao_Paulo',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  timeZone?: string;
}
