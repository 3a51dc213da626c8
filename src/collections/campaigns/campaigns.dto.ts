import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { CAMPAIGN_STATUSES, type CampaignStatus } from './campaign.entity';

export class ScheduleDto {
  @ApiProperty({ description: 'ISO weekdays allowed (1 = Monday … 7 = Sunday)', example: [1, 2, 3, 4, 5, 6] })
  @ArrayMinSize(1)
  @ArrayMaxSize(7)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(7, { each: true })
  days: number[];

  @ApiProperty({ description: 'Local time the window opens (HH:MM)', example: '08:00' })
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/)
  from: string;

  @ApiProperty({ description: 'Local time the window closes (HH:MM, exclusive)', example: '20:00' })
  @Matches(/^([01]\d|2[0-4]):[0-5]\d$/)
  to: string;

  @ApiProperty({ description: 'IANA time zone', example: 'America/Sao_Paulo' })
  @IsString()
  @Length(3, 64)
  timeZone: string;
}

export class FollowUpDto {
  @ApiProperty({ description: 'ISO 8601 duration after the previous message (P3D)', example: 'P3D' })
  @IsString()
  @Length(2, 40)
  after: string;

  @ApiProperty({
    description: 'Liquid body of the follow-up',
    example: 'Oi {{ name }}, ainda consegue resolver os {{ amount }}?',
  })
  @IsString()
  @Length(1, 4096)
  template: string;
}

export class PixReceiverDto {
  @ApiProperty({
    description: 'Pix key (CPF/CNPJ, +55 phone, e-mail or EVP)',
    example: 'cobranca@example.com',
  })
  @IsString()
  @Length(1, 77)
  key: string;

  @ApiProperty({ description: 'Receiver name (≤ 25, ASCII)', example: 'Loja Exemplo' })
  @IsString()
  @Length(1, 25)
  merchantName: string;

  @ApiProperty({ description: 'Receiver city (≤ 15, ASCII)', example: 'Sao Paulo' })
  @IsString()
  @Length(1, 15)
  merchantCity: string;
}

export class InstalmentPlanDto {
  @ApiProperty({ description: 'Number of monthly instalments', example: 3, minimum: 1, maximum: 24 })
  @IsInt()
  @Min(1)
  @Max(24)
  instalments: number;

  @ApiPropertyOptional({
    description: 'Discount off the balance, in percent',
    example: 10,
    minimum: 0,
    maximum: 90,
  })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(90)
  discountPercent?: number;
}

export class CreateCampaignDto {
  @ApiProperty({ description: 'Name', example: 'Mensalidades de novembro' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({
    description:
      'Liquid body of the first message: name, amount (R$ 1.234,56), amountCents, dueDate, externalId, description',
    example: 'Olá {{ name }}, consta em aberto {{ amount }} com vencimento em {{ dueDate }}. Podemos ajudar?',
  })
  @IsString()
  @Length(1, 4096)
  template: string;

  @ApiPropertyOptional({
    description: 'JSONata over {debt, debtor} choosing the open debts to target',
    example: 'debt.amountCents > 10000',
  })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  filter?: string;

  @ApiPropertyOptional({
    description: 'When messages may go out (default Mon–Sat 08:00–20:00 America/Sao_Paulo)',
    type: ScheduleDto,
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ScheduleDto)
  schedule?: ScheduleDto;

  @ApiProperty({ description: 'Messages per minute (the provider’s own limit still applies)', example: 60 })
  @IsInt()
  @Min(1)
  @Max(6000)
  ratePerMinute: number;

  @ApiPropertyOptional({
    description: 'Follow-ups; they stop when the debtor replies, pays or opts out',
    type: [FollowUpDto],
  })
  @IsOptional()
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => FollowUpDto)
  followUps?: FollowUpDto[];

  @ApiPropertyOptional({
    description: 'Instalment plans the assistant offers, in this order (default 2x, 3x and 6x)',
    type: [InstalmentPlanDto],
    example: [{ instalments: 1, discountPercent: 10 }, { instalments: 3 }, { instalments: 6 }],
  })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(6)
  @ValidateNested({ each: true })
  @Type(() => InstalmentPlanDto)
  plans?: InstalmentPlanDto[];

  @ApiPropertyOptional({ description: 'Pix receiver (else COLLECTIONS_PIX_KEY)', type: PixReceiverDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PixReceiverDto)
  pix?: PixReceiverDto;
}

export class CampaignView {
  @ApiProperty({ description: 'Campaign id' }) id: string;
  @ApiProperty({ description: 'Name' }) name: string;
  @ApiProperty({ description: 'Status', enum: CAMPAIGN_STATUSES }) status: CampaignStatus;
  @ApiProperty({ description: 'Body of the first message' }) template: string;
  @ApiProperty({ description: 'JSONata filter', nullable: true, type: String }) filter: string | null;
  @ApiProperty({ description: 'Send window', type: ScheduleDto }) schedule: ScheduleDto;
  @ApiProperty({ description: 'Messages per minute' }) ratePerMinute: number;
  @ApiProperty({ description: 'Follow-ups', type: [FollowUpDto] }) followUps: FollowUpDto[];
  @ApiProperty({ description: 'Instalment plans offered', type: [InstalmentPlanDto] })
  plans: InstalmentPlanDto[];
  @ApiProperty({ description: 'Pix receiver of this campaign', nullable: true, type: PixReceiverDto })
  pix: PixReceiverDto | null;
  @ApiProperty({ description: 'Started (ISO 8601)', nullable: true, type: String }) startedAt: string | null;
  @ApiProperty({ description: 'Created (ISO 8601)' }) createdAt: string;
}

export class CampaignStatsView {
  @ApiProperty({ description: 'Debts targeted' }) targeted: number;
  @ApiProperty({ description: 'Messages sent (all steps)' }) sent: number;
  @ApiProperty({ description: 'Delivered (or read)' }) delivered: number;
  @ApiProperty({ description: 'Read' }) read: number;
  @ApiProperty({ description: 'Debts whose debtor replied' }) replied: number;
  @ApiProperty({ description: 'Debts now promised' }) promised: number;
  @ApiProperty({ description: 'Debts now paid' }) paid: number;
  @ApiProperty({ description: 'Amount recovered (cents)' }) amountRecoveredCents: number;
  @ApiProperty({ description: 'Debts opted out' }) optedOut: number;
}
