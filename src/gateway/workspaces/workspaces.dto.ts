import { PageOf } from '../../platform/http/pagination';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsLocale, IsOptional, IsString, IsTimeZone, Length, Matches } from 'class-validator';
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

/** Rename a workspace or set the business details templates use; fields left out keep their value. */
export class UpdateWorkspaceDto {
  @ApiPropertyOptional({ description: 'Display name', example: 'Clínica Sorriso Centro' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({
    description: 'How messages sign (`businessName` in templates); the display name when unset',
    example: 'Clínica Sorriso',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  businessName?: string;

  @ApiPropertyOptional({ description: 'IANA time zone of the business', example: 'America/Sao_Paulo' })
  @IsOptional()
  @IsTimeZone()
  timeZone?: string;

  @ApiPropertyOptional({ description: 'Template locale when a notification names none', example: 'pt-BR' })
  @IsOptional()
  @IsLocale()
  @Length(2, 35)
  locale?: string;

  @ApiPropertyOptional({
    description: 'Address (`address` in appointment templates)',
    example: 'Rua da Bahia, 1148, Belo Horizonte',
  })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  address?: string;
}

export class WorkspaceView {
  @ApiProperty({ description: 'Workspace id (UUIDv7)', example: '01936b2e-1f2a-7cc3-8a4b-1234567890ab' })
  id: string;
  @ApiProperty({ description: 'Display name', example: 'Clínica Sorriso' })
  name: string;
  @ApiProperty({ description: 'Unique slug', example: 'clinica-sorriso' })
  slug: string;
  @ApiProperty({
    description: 'How messages sign (`businessName` in templates); null signs with the name',
    example: 'Clínica Sorriso',
    nullable: true,
    type: String,
  })
  businessName: string | null;
  @ApiProperty({ description: 'IANA time zone of the business', example: 'America/Sao_Paulo' })
  timeZone: string;
  @ApiProperty({ description: 'Template locale when a notification names none', example: 'pt-BR' })
  locale: string;
  @ApiProperty({
    description: 'Address (`address` in appointment templates)',
    example: 'Rua da Bahia, 1148, Belo Horizonte',
    nullable: true,
    type: String,
  })
  address: string | null;
  @ApiProperty({ description: 'Creation time (ISO 8601 UTC)', example: '2026-11-22T12:00:00.000Z' })
  createdAt: string;
}

export class CreatedWorkspaceView extends WorkspaceView {
  @ApiProperty({ description: 'An admin API key of the new workspace, shown once', type: CreatedApiKeyView })
  adminKey: CreatedApiKeyView;
}

export class WorkspacePage extends PageOf(WorkspaceView) {}
