import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUrl, IsUUID, Length, Matches, ValidateIf } from 'class-validator';
import { PageOf } from '../../platform/http/pagination';
import { CRM_CONNECTION_STATUSES, type CrmConnectionStatus } from './crm-connection.entity';

export class CreateCrmConnectionDto {
  @ApiPropertyOptional({
    enum: ['oauth', 'install'],
    default: 'oauth',
    description:
      '`oauth`: the OAuth code flow (`authorizationUrl`); `install`: Bitrix24 posts its install event to `installUrl`',
  })
  @IsOptional()
  @IsIn(['oauth', 'install'])
  mode?: 'oauth' | 'install';

  @ApiPropertyOptional({
    description:
      "The Bitrix24 portal's address (required for `oauth`; with `install` the install event names it)",
    example: 'https://acme.bitrix24.com.br',
  })
  @ValidateIf((o: CreateCrmConnectionDto) => o.mode !== 'install' || o.portalUrl !== undefined)
  @IsUrl({ require_protocol: true, require_tld: false, protocols: ['https', 'http'] })
  @Length(8, 300)
  portalUrl?: string;

  @ApiPropertyOptional({ description: 'A name to recognise it by', example: 'Bitrix24 comercial' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;
}

export class CrmLineView {
  @ApiProperty({ description: "Bitrix24's Open Channel line id", example: '7' }) lineId: string;
  @ApiProperty({ description: 'The connector registered on the line', example: 'ponte_whatsapp' })
  connector: string;
  @ApiProperty({ description: 'The WhatsApp provider that answers the line', format: 'uuid' })
  providerId: string;
  @ApiProperty({ description: 'That provider’s business number, `<kind>:<id>`', example: 'meta:1234' })
  businessNumber: string;
  @ApiProperty({ format: 'date-time', description: 'When the line was added' }) createdAt: string;
}

export class CrmConnectionView {
  @ApiProperty({ format: 'uuid', description: 'The connection id' }) id: string;
  @ApiProperty({ example: 'Bitrix24 comercial', description: 'A name to recognise it by' }) name: string;
  @ApiProperty({
    enum: CRM_CONNECTION_STATUSES,
    description:
      '`pending` until the OAuth callback or install event; `needs_reauth` when Bitrix24 refused the refresh token; `uninstalled` after ONAPPUNINSTALL',
  })
  status: CrmConnectionStatus;
  @ApiProperty({ example: 'https://acme.bitrix24.com.br', description: "The portal's address" })
  portalUrl: string;
  @ApiProperty({ nullable: true, type: String, description: "The portal's member_id, once installed" })
  memberId: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why the grant stopped working, when it did' })
  lastError: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'When the grant was last obtained or refreshed',
  })
  refreshedAt: string | null;
  @ApiProperty({ type: [CrmLineView], description: 'The Open Channel lines our connector is on' })
  lines: CrmLineView[];
  @ApiProperty({ format: 'date-time', description: 'When the connection was created' }) createdAt: string;
}

export class CreatedCrmConnectionView extends CrmConnectionView {
  @ApiPropertyOptional({
    description: "`oauth`: open in a browser as the portal's administrator to install and authorise the app",
  })
  authorizationUrl?: string;
  @ApiPropertyOptional({
    description:
      "`install`: the handler (and install) URL to paste in the Bitrix24 application's settings; shown once",
  })
  installUrl?: string;
}

export class CrmConnectionPage extends PageOf(CrmConnectionView) {}

export class CrmCheckView {
  @ApiProperty({ description: 'Whether the portal answered a call with the stored grant' }) ok: boolean;
  @ApiProperty({ enum: CRM_CONNECTION_STATUSES, description: 'The connection status after the check' })
  status: CrmConnectionStatus;
  @ApiPropertyOptional({ description: 'What failed, when it failed' }) error?: string;
}

export class Bitrix24CallbackQuery {
  @ApiPropertyOptional({ description: 'Authorization code (lives 30 s)' })
  @IsOptional()
  @IsString()
  @Length(1, 2048)
  code?: string;

  @ApiProperty({ description: 'The state Ponte put in the authorization URL' })
  @IsString()
  @Length(1, 512)
  state: string;

  @ApiPropertyOptional({ description: 'The portal domain' })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  domain?: string;

  @ApiPropertyOptional({ description: "The portal's member_id" })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  member_id?: string;

  @ApiPropertyOptional({ description: 'The scopes granted' })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  scope?: string;
  @ApiPropertyOptional({ description: 'The OAuth server (oauth.bitrix.info)' })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  server_domain?: string;
  @ApiPropertyOptional({ description: 'Set when the administrator refused' })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  error?: string;
}

export class AddLineDto {
  @ApiProperty({ description: "The Open Channel line's id in Bitrix24", example: '7' })
  @Matches(/^[0-9]{1,12}$/, { message: 'lineId must be the numeric id of an Open Channel line' })
  lineId: string;

  @ApiProperty({
    description: 'The WhatsApp provider (of this workspace) whose number answers the line',
    format: 'uuid',
  })
  @IsUUID()
  providerId: string;
}
