import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageOf, PageQuery } from '../../platform/http/pagination';
import { ALERT_PRESETS } from './alert-presets';
import { ALERT_CONDITIONS, type AlertChannel, type AlertCondition } from './alert-rule.entity';

const CHANNEL_TYPES = ['email', 'slack', 'discord', 'webhook'] as const;

export class AlertChannelDto {
  @ApiProperty({ description: 'Where the news goes', enum: CHANNEL_TYPES })
  @IsIn(CHANNEL_TYPES)
  type: AlertChannel['type'];

  @ApiPropertyOptional({ description: 'Slack or Discord incoming-webhook URL, or the webhook URL (https)' })
  @ValidateIf((c: AlertChannelDto) => c.type !== 'email')
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @Length(1, 2000)
  url?: string;

  @ApiPropertyOptional({ description: 'E-mail recipients', example: ['ops@clinica.com.br'] })
  @ValidateIf((c: AlertChannelDto) => c.type === 'email')
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsEmail({}, { each: true })
  to?: string[];
}

export class UpdateAlertRuleDto {
  @ApiPropertyOptional({ description: 'A name to recognise it by', example: 'Fila de reenvio' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({
    description:
      'queue.retrying, queue.waiting, dlq.size, dlq.growth, messages.error_rate (0..1), http.slow_requests, system.memory_percent, system.disk_percent, or event:<type> (`*` wildcards)',
    example: 'queue.retrying',
  })
  @IsOptional()
  @IsString()
  @Length(1, 120)
  metric?: string;

  @ApiPropertyOptional({
    description: 'How the metric is compared with the threshold',
    enum: ALERT_CONDITIONS,
  })
  @IsOptional()
  @IsIn(ALERT_CONDITIONS)
  condition?: AlertCondition;

  @ApiPropertyOptional({ description: 'The value the metric is compared with', example: 100 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  threshold?: number;

  @ApiPropertyOptional({
    description: 'ISO 8601 duration the condition must hold (and be clear) for',
    example: 'PT1M',
  })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  window?: string;

  @ApiPropertyOptional({ description: 'Where firing and resolved alerts are sent', type: [AlertChannelDto] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => AlertChannelDto)
  channels?: AlertChannelDto[];

  @ApiPropertyOptional({ description: 'A disabled rule is not evaluated', default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class CreateAlertRuleDto extends UpdateAlertRuleDto {
  @ApiPropertyOptional({
    description: 'A built-in rule to start from (its fields can be overridden)',
    enum: Object.keys(ALERT_PRESETS),
  })
  @IsOptional()
  @IsIn(Object.keys(ALERT_PRESETS))
  preset?: string;
}

export class AlertRuleView {
  @ApiProperty({ description: 'The rule id', format: 'uuid' }) id: string;
  @ApiProperty({ description: 'Its name, as alerts show it' }) name: string;
  @ApiProperty({ description: 'What is measured (queue.retrying, messages.error_rate, event:<type>…)' })
  metric: string;
  @ApiProperty({ description: 'How the metric is compared with the threshold', enum: ALERT_CONDITIONS })
  condition: AlertCondition;
  @ApiProperty({ description: 'The value the metric is compared with' }) threshold: number;
  @ApiProperty({
    description: 'ISO 8601 duration the condition must hold (and be clear) for',
    example: 'PT1M',
  })
  window: string;
  @ApiProperty({ description: 'Where firing and resolved alerts are sent', type: [AlertChannelDto] })
  channels: AlertChannel[];
  @ApiProperty({ description: 'A disabled rule is not evaluated' }) enabled: boolean;
  @ApiProperty({ description: 'The built-in rule it was made from, if any', nullable: true, type: String })
  preset: string | null;
  @ApiProperty({
    description:
      'ok; pending (above, not yet for the window); firing; resolving (clear, not yet for the window)',
    enum: ['ok', 'pending', 'firing', 'resolving'],
  })
  state: string;
  @ApiProperty({ description: 'The metric at the last evaluation', nullable: true, type: Number })
  lastValue: number | null;
  @ApiProperty({ description: 'When the rule was made', format: 'date-time' }) createdAt: string;
}
export class AlertRulePage extends PageOf(AlertRuleView) {}

export class AlertEventView {
  @ApiProperty({ description: 'The alert event id', format: 'uuid' }) id: string;
  @ApiProperty({ description: 'The rule that fired or resolved', format: 'uuid' }) ruleId: string;
  @ApiProperty({ description: 'Fired or resolved', enum: ['firing', 'resolved'] }) kind: string;
  @ApiProperty({ description: "The rule's metric" }) metric: string;
  @ApiProperty({ description: 'The metric at that moment', nullable: true, type: Number }) value:
    number | null;
  @ApiProperty({ description: "The rule's threshold" }) threshold: number;
  @ApiProperty({ description: 'What each channel answered' }) notified: Array<{
    type: string;
    ok: boolean;
    error?: string;
  }>;
  @ApiProperty({ description: 'When it fired or resolved', format: 'date-time' }) at: string;
}
export class AlertEventPage extends PageOf(AlertEventView) {}

export class AlertEventQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  ruleId?: string;
}
