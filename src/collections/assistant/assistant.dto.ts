import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { INTENTS, type Intent } from './intent-model';

export class ClassifyDto {
  @ApiProperty({
    description: 'A message in Brazilian Portuguese',
    example: 'consigo pagar mil e quinhentos dia 15',
  })
  @IsString()
  @Length(1, 4096)
  text: string;
}

export class EntitiesView {
  @ApiPropertyOptional({
    description: 'Amounts in cents of BRL, in order',
    type: [Number],
    example: [150000],
  })
  amounts?: number[];
  @ApiPropertyOptional({
    description: 'A date named (YYYY-MM-DD, on or after today in São Paulo)',
    example: '2026-12-15',
  })
  date?: string;
  @ApiPropertyOptional({ description: 'Instalments asked for ("3x")', example: 3 })
  installments?: number;
  @ApiPropertyOptional({ description: 'An offered option picked ("a segunda" → 2)', example: 2 })
  choice?: number;
}

export class ClassificationView {
  @ApiProperty({ description: 'Intent', enum: INTENTS }) intent: Intent;
  @ApiProperty({ description: 'Posterior probability of the intent (0–1)', example: 0.93 })
  confidence: number;
  @ApiProperty({ description: 'Entities found', type: EntitiesView }) entities: EntitiesView;
}

export class LabelDto {
  @ApiProperty({ description: 'The intent the message really had', enum: INTENTS, example: 'promise_to_pay' })
  @IsIn(INTENTS)
  intent: Intent;
}

export class CollectionMessageView {
  @ApiProperty({ description: 'Message id' }) id: string;
  @ApiProperty({ description: 'Debt the reply was about' }) debtId: string;
  @ApiProperty({ description: 'Text (or caption)', nullable: true, type: String }) text: string | null;
  @ApiProperty({ description: 'Message kind (text, image, document...)' }) kind: string;
  @ApiProperty({ description: 'Intent the classifier gave', enum: INTENTS }) intent: string;
  @ApiProperty({ description: 'Its confidence' }) confidence: number;
  @ApiProperty({ description: 'Entities found', type: EntitiesView }) entities: EntitiesView;
  @ApiProperty({
    description: 'Operator correction, used by npm run collections:train',
    nullable: true,
    enum: INTENTS,
  })
  label: string | null;
  @ApiProperty({ description: 'Received (ISO 8601)' }) createdAt: string;
}
