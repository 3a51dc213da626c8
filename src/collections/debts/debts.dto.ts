import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsDateString,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { PageOf, PageQuery } from '../../platform/http/pagination';
import { DEBT_STATUSES, type DebtStatus } from './debt.entity';

export class CreateDebtDto {
  @ApiProperty({
    description: 'Your id of the debt; a second create with it updates the debt',
    example: 'CTR-2026-0001',
  })
  @IsString()
  @Length(1, 100)
  externalId: string;

  @ApiProperty({ description: 'Debtor name', example: 'Maria Souza' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({
    description: 'CPF or CNPJ (alphanumeric CNPJ too), masked or not',
    example: '529.982.247-25',
  })
  @IsString()
  @Length(11, 20)
  document: string;

  @ApiProperty({
    description: 'WhatsApp phone, normalised to E.164 (default region BR)',
    example: '+55 31 99295-3088',
  })
  @IsString()
  @Length(3, 40)
  phone: string;

  @ApiProperty({ description: 'Amount owed in cents of BRL', example: 123456 })
  @IsInt()
  @Min(1)
  @Max(100_000_000_000)
  amountCents: number;

  @ApiProperty({ description: 'Due date (YYYY-MM-DD)', example: '2026-11-30' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  dueDate: string;

  @ApiPropertyOptional({ description: 'What the debt is for', example: 'Mensalidade de novembro' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  description?: string;

  @ApiPropertyOptional({
    description: 'Boleto linha digitável (47 digits), checked',
    example: '42297.11504 00001.954411 60020.034520 2 68610000054659',
  })
  @IsOptional()
  @IsString()
  @Length(47, 60)
  boletoLine?: string;
}

export class UpdateDebtDto {
  @ApiPropertyOptional({
    description: 'New status (an event collections.debt.<status> is published)',
    enum: DEBT_STATUSES,
  })
  @IsOptional()
  @IsIn(DEBT_STATUSES)
  status?: DebtStatus;

  @ApiPropertyOptional({ description: 'Amount owed in cents', example: 100000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000_000_000)
  amountCents?: number;

  @ApiPropertyOptional({ description: 'Due date (YYYY-MM-DD)', example: '2026-12-15' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  dueDate?: string;

  @ApiPropertyOptional({ description: 'What the debt is for' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  description?: string;
}

export class DebtQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only this status', enum: DEBT_STATUSES })
  @IsOptional()
  @IsIn(DEBT_STATUSES)
  status?: DebtStatus;

  @ApiPropertyOptional({ description: 'Only this debtor' })
  @IsOptional()
  @IsUUID()
  debtorId?: string;

  @ApiPropertyOptional({ description: 'Only this external id' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  externalId?: string;

  @ApiPropertyOptional({ description: 'Due on or after (YYYY-MM-DD)' })
  @IsOptional()
  @IsDateString({ strict: true })
  dueFrom?: string;

  @ApiPropertyOptional({ description: 'Due on or before (YYYY-MM-DD)' })
  @IsOptional()
  @IsDateString({ strict: true })
  dueTo?: string;
}

export class DebtorView {
  @ApiProperty({ description: 'Debtor id' }) id: string;
  @ApiProperty({ description: 'cpf or cnpj', enum: ['cpf', 'cnpj'] }) taxIdKind: string;
  @ApiProperty({ description: 'CPF or CNPJ, masked except the last 2 digits', example: '•••.•••.•••-25' })
  taxId: string;
  @ApiProperty({ description: 'Name', example: 'Maria Souza' }) name: string;
  @ApiProperty({ description: 'Phone in E.164', example: '+5531992953088' }) phone: string;
  @ApiProperty({ description: 'Linked contact, once messaged or heard from', nullable: true, type: String })
  contactId: string | null;
  @ApiProperty({ description: 'Created (ISO 8601)' }) createdAt: string;
}

export class DebtView {
  @ApiProperty({ description: 'Debt id' }) id: string;
  @ApiProperty({ description: 'Your id of the debt' }) externalId: string;
  @ApiProperty({ description: 'Debtor id' }) debtorId: string;
  @ApiProperty({ description: 'Status', enum: DEBT_STATUSES }) status: DebtStatus;
  @ApiProperty({ description: 'Amount owed (cents)' }) amountCents: number;
  @ApiProperty({ description: 'Paid so far (cents)' }) paidCents: number;
  @ApiProperty({ description: 'Due date (YYYY-MM-DD)' }) dueDate: string;
  @ApiProperty({ description: 'Promised payment date', nullable: true, type: String }) promisedFor:
    string | null;
  @ApiProperty({ description: 'What the debt is for', nullable: true, type: String }) description:
    string | null;
  @ApiProperty({ description: 'Boleto line, when there is one', nullable: true, type: String }) boletoLine:
    string | null;
  @ApiProperty({ description: 'The assistant has handed the conversation to a person' }) handedOver: boolean;
  @ApiProperty({ description: 'Chosen instalment plan', nullable: true, type: Object }) plan: unknown;
  @ApiProperty({ description: 'Created (ISO 8601)' }) createdAt: string;
  @ApiProperty({ description: 'Updated (ISO 8601)' }) updatedAt: string;
}

export class DebtWithDebtorView extends DebtView {
  @ApiProperty({ description: 'Who owes', type: DebtorView }) debtor: DebtorView;
}

export class DebtPage extends PageOf(DebtView) {}
export class DebtorPage extends PageOf(DebtorView) {}
