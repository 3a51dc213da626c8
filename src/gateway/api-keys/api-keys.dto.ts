import { PageOf } from '../../platform/http/pagination';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { SCOPE_PATTERN } from '../auth/scopes';

export class CreateApiKeyDto {
  @ApiProperty({ description: 'A name to recognise the key by', example: 'Website lead form' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({
    description:
      'Scopes: `<area>:read|write` (`*` for every area), `admin` (everything in the workspace), `platform:admin` (workspaces)',
    example: ['events:write', 'notifications:write'],
    type: [String],
  })
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @Matches(SCOPE_PATTERN, {
    each: true,
    message: 'each scope must look like events:write, *:read, admin or platform:admin',
  })
  scopes: string[];

  @ApiPropertyOptional({
    description: 'Requests per minute for this key (default 60)',
    example: 600,
    minimum: 1,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  rateLimitPerMinute?: number;
}

export class ApiKeyView {
  @ApiProperty({ description: 'Key id (UUIDv7)', example: '01936b2e-1f2a-7cc3-8a4b-1234567890ab' })
  id: string;
  @ApiProperty({ description: 'Name given at creation', example: 'Website lead form' })
  name: string;
  @ApiProperty({ description: 'First characters of the key, to recognise it', example: 'pk_Xy3kLm9Q' })
  prefix: string;
  @ApiProperty({ description: 'Granted scopes', example: ['events:write'], type: [String] })
  scopes: string[];
  @ApiProperty({
    description: 'Own rate limit per minute; null uses the default',
    example: null,
    nullable: true,
    type: Number,
  })
  rateLimitPerMinute: number | null;
  @ApiProperty({ description: 'Creation time (ISO 8601 UTC)', example: '2026-11-22T12:00:00.000Z' })
  createdAt: string;
  @ApiProperty({
    description: 'Revocation time; null while active',
    example: null,
    nullable: true,
    type: String,
  })
  revokedAt: string | null;
}

export class CreatedApiKeyView extends ApiKeyView {
  @ApiProperty({
    description: 'The key itself. Shown once: store it now.',
    example: 'pk_Xy3kLm9Q2wR7tYuI0pAsDfGhJkLzXcVb',
  })
  key: string;
}

export class ApiKeyPage extends PageOf(ApiKeyView) {}
