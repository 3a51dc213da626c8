import { PageOf } from '../../platform/http/pagination';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { CreatedApiKeyView } from '../api-keys/api-keys.dto';

export class CreateWorkspaceDto {
  @ApiProperty({ description: 'Display name', example: 'Clínica Sorriso' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiPropertyOptional({
    description: 'Unique slug; derived from the name when omitted',
    example: 'clinica-sorriso',
  })
  @IsOptional()
  @Matches(/^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$/, {
    message: 'slug must be lower-case letters, digits and dashes',
  })
  slug?: string;
}

export class WorkspaceView {
  @ApiProperty({ description: 'Workspace id (UUIDv7)', example: '01936b2e-1f2a-7cc3-8a4b-1234567890ab' })
  id: string;
  @ApiProperty({ description: 'Display name', example: 'Clínica Sorriso' })
  name: string;
  @ApiProperty({ description: 'Unique slug', example: 'clinica-sorriso' })
  slug: string;
  @ApiProperty({ description: 'Creation time (ISO 8601 UTC)', example: '2026-11-22T12:00:00.000Z' })
  createdAt: string;
}

export class CreatedWorkspaceView extends WorkspaceView {
  @ApiProperty({ description: 'An admin API key of the new workspace, shown once', type: CreatedApiKeyView })
  adminKey: CreatedApiKeyView;
}

export class WorkspacePage extends PageOf(WorkspaceView) {}
