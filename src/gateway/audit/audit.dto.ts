import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDateString, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { PageOf, PageQuery } from '../../platform/http/pagination';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({
    description: 'From this time (ISO 8601, inclusive)',
    example: '2026-11-01T00:00:00Z',
  })
  @IsOptional()
  @IsDateString()
  from?: string;

  @ApiPropertyOptional({
    description: 'Until this time (ISO 8601, exclusive)',
    example: '2026-12-01T00:00:00Z',
  })
  @IsOptional()
  @IsDateString()
  to?: string;

  @ApiPropertyOptional({
    description: 'Actor id: an API key id or a user id',
    example: '01936b2e-1f2a-7cc3-8a4b-1234567890ab',
  })
  @IsOptional()
  @IsUUID()
  actor?: string;

  @ApiPropertyOptional({ description: 'HTTP status of the request', example: 403 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(599)
  status?: number;
}

export class AuditLogView {
  @ApiProperty({ description: 'Entry id (UUIDv7)', example: '01936b2e-1f2a-7cc3-8a4b-1234567890ab' })
  id: string;
  @ApiProperty({ description: 'api_key or user', example: 'api_key' })
  actorType: string;
  @ApiProperty({ description: 'Id of the API key or user', example: '01936b2e-1f2a-7cc3-8a4b-1234567890ab' })
  actorId: string;
  @ApiProperty({ description: 'HTTP method', example: 'POST' })
  method: string;
  @ApiProperty({ description: 'Route pattern (no ids, no query)', example: '/v1/api-keys/:id' })
  route: string;
  @ApiProperty({ description: 'HTTP status answered', example: 204 })
  status: number;
  @ApiProperty({ description: 'Duration in milliseconds', example: 4 })
  durationMs: number;
  @ApiProperty({ description: 'Client IP', example: '203.0.113.7', nullable: true, type: String })
  ip: string | null;
  @ApiProperty({
    description: 'x-request-id of the request',
    example: '01936b2e-1f2a-7cc3-8a4b-1234567890ab',
    nullable: true,
    type: String,
  })
  requestId: string | null;
  @ApiProperty({ description: 'When it happened (ISO 8601 UTC)', example: '2026-11-22T12:00:00.000Z' })
  createdAt: string;
}

export class AuditLogPage extends PageOf(AuditLogView) {}
