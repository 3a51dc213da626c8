import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
} from 'class-validator';
import { PageOf } from '../../platform/http/pagination';
import { CONNECTION_KINDS, type ConnectionKind } from '../adapters/accounting-adapters';
import { TRIGGERS } from './connection-config';

const CONFIG_DOC =
  'omie {appKey, appSecret, baseUrl?, categoryCode?, accountId?}; rest {baseUrl, headers?, operations: {setupCustomer|getCustomer|syncInvoice|syncPayment|fetchChanges: {request: JSONata → {method, path, query?, body?}, response?: JSONata over {status, body, input}}}}. Both: mappings? {customer?, invoice?, payment?}: JSONata over the trigger event data. Secrets are stored encrypted and shown masked.';

export class CreateAccountingConnectionDto {
  @ApiProperty({ description: 'Accounting system', enum: CONNECTION_KINDS, example: 'omie' })
  @IsIn(CONNECTION_KINDS)
  kind: ConnectionKind;

  @ApiProperty({ description: 'A name to recognise the connection by', example: 'Omie — InterAlpha' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({
    description: CONFIG_DOC,
    example: { appKey: '1234567890', appSecret: 'abcdef…' },
    additionalProperties: true,
  })
  @IsObject()
  config: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'Events that sync to this connection (all three by default)',
    enum: TRIGGERS,
    isArray: true,
    example: ['client.registered', 'payment.received'],
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(TRIGGERS, { each: true })
  triggers?: string[];

  @ApiPropertyOptional({ description: 'Disabled connections receive nothing', default: true, example: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateConnectionDto {
  @ApiPropertyOptional({ description: 'Name', example: 'Omie — InterAlpha' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({
    description: `Keys given are merged into the current config. ${CONFIG_DOC}`,
    additionalProperties: true,
  })
  @IsOptional()
  @IsObject()
  config?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Events that sync to this connection', enum: TRIGGERS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(TRIGGERS, { each: true })
  triggers?: string[];

  @ApiPropertyOptional({ description: 'Disabled connections receive nothing', example: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class AccountingConnectionView {
  @ApiProperty({ description: 'Connection id', example: '01936b2e-1f2a-7cc3-8a4b-1234567890ab' }) id: string;
  @ApiProperty({ description: 'Accounting system', enum: CONNECTION_KINDS }) kind: string;
  @ApiProperty({ description: 'Name' }) name: string;
  @ApiProperty({ description: 'Config with secrets masked', additionalProperties: true })
  config: Record<string, unknown>;
  @ApiProperty({ description: 'Events that sync to it', enum: TRIGGERS, isArray: true }) triggers: string[];
  @ApiProperty({ description: 'Whether it receives syncs' }) enabled: boolean;
  @ApiProperty({ description: 'Created (ISO 8601)' }) createdAt: string;
  @ApiProperty({ description: 'Last changed (ISO 8601)' }) updatedAt: string;
}

export class AccountingConnectionPage extends PageOf(AccountingConnectionView) {}

export class ConnectionCheckView {
  @ApiProperty({ description: 'Whether the system accepted the stored credentials' }) ok: boolean;
  @ApiProperty({ description: "The system's answer, briefly" }) detail: string;
  @ApiProperty({ description: 'When (ISO 8601)' }) checkedAt: string;
}
