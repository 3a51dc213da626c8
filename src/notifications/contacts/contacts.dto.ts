import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateBy,
} from 'class-validator';
import { PageOf, PageQuery } from '../../platform/http/pagination';
import { toE164 } from '../phone';
import { ChannelPreferencesView, ConsentChangeView, QuietHoursDto } from './preferences.dto';

export const ID_EXAMPLE = '01936b2e-1f2a-7cc3-8a4b-1234567890ab';
const TAG = /^[\p{L}\p{N}][\p{L}\p{N} _:.-]{0,49}$/u;

/** A phone number `toE164` can read: E.164, or Brazilian with or without the country code. */
const IsPhone = () =>
  ValidateBy({
    name: 'isPhone',
    validator: {
      validate: (value) => typeof value === 'string' && toE164(value) !== undefined,
      defaultMessage: () =>
        'phone must be a phone number: E.164 (+5531992953088) or Brazilian with area code (31 99295-3088)',
    },
  });

/** Fields a contact is created or changed with; `null` clears a field (PATCH and upsert alike). */
export class ContactFieldsDto {
  @ApiPropertyOptional({
    description: 'Your id for the person (CRM, ERP); unique in the workspace; null clears it',
    example: 'crm-4711',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  externalId?: string | null;

  @ApiPropertyOptional({
    description: 'Name; null clears it',
    example: 'Maria Souza',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string | null;

  @ApiPropertyOptional({
    description:
      'Phone, stored in E.164 (default region BR; old 8-digit Brazilian mobiles get the 9th digit, so ' +
      '+553192953088 and +5531992953088 are one person); unique in the workspace; null clears it',
    example: '+5531992953088',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @IsPhone()
  phone?: string | null;

  @ApiPropertyOptional({
    description:
      'WhatsApp id exactly as the provider reports it (digits, maybe without the 9th one); when `phone` is not given it is derived from it',
    example: '553192953088',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @Matches(/^\d{8,15}$/, { message: 'waId must be 8 to 15 digits, as WhatsApp reports it' })
  waId?: string | null;

  @ApiPropertyOptional({
    description: 'E-mail, stored in lower case; null clears it',
    example: 'maria@example.com',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({
    description: 'Preferred language (BCP 47) for templates; null clears it',
    example: 'pt-BR',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @Matches(/^[a-z]{2,3}(-[A-Z]{2})?$/, { message: 'locale must look like pt-BR or en' })
  locale?: string | null;

  @ApiPropertyOptional({
    description: 'Tags; replace the current ones when given (up to 50, each 1–50 characters)',
    example: ['vip', 'clinica-centro'],
    type: [String],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(TAG, { each: true, message: 'each tag must be 1–50 letters, digits, spaces or _ : . -' })
  tags?: string[];

  @ApiPropertyOptional({
    description: 'Your own fields; merged into the current ones key by key (a key set to null is removed)',
    example: { plano: 'ouro', cidade: 'Belo Horizonte' },
  })
  @IsOptional()
  @IsObject()
  attributes?: Record<string, unknown>;
}

export class UpsertContactDto extends ContactFieldsDto {}

export class UpdateContactDto extends ContactFieldsDto {}

export class ContactQuery extends PageQuery {
  @ApiPropertyOptional({
    description:
      'Text in the name, e-mail or externalId (case-insensitive), or digits of the phone (a full number matches its 9th-digit form)',
    example: 'souza',
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  search?: string;

  @ApiPropertyOptional({ description: 'Only contacts with this tag', example: 'vip' })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  tag?: string;
}

export class ContactView {
  @ApiProperty({ description: 'Contact id', example: ID_EXAMPLE })
  id: string;
  @ApiProperty({ description: 'Your id for the person', example: 'crm-4711', nullable: true, type: String })
  externalId: string | null;
  @ApiProperty({ description: 'Name', example: 'Maria Souza', nullable: true, type: String })
  name: string | null;
  @ApiProperty({ description: 'Phone in E.164', example: '+5531992953088', nullable: true, type: String })
  phone: string | null;
  @ApiProperty({
    description: 'WhatsApp id as the provider reported it',
    example: '553192953088',
    nullable: true,
    type: String,
  })
  waId: string | null;
  @ApiProperty({
    description: 'E-mail (lower case)',
    example: 'maria@example.com',
    nullable: true,
    type: String,
  })
  email: string | null;
  @ApiProperty({ description: 'Preferred language (BCP 47)', example: 'pt-BR', nullable: true, type: String })
  locale: string | null;
  @ApiProperty({ description: 'Tags', example: ['vip'], type: [String] })
  tags: string[];
  @ApiProperty({ description: 'Your own fields', example: { plano: 'ouro' } })
  attributes: Record<string, unknown>;
  @ApiProperty({
    description: 'Consent per channel and category; a missing entry means allowed (opt-out model)',
    type: ChannelPreferencesView,
  })
  preferences: ChannelPreferencesView;
  @ApiProperty({
    description: 'No marketing between start and end in the time zone; null when none',
    type: QuietHoursDto,
    nullable: true,
  })
  quietHours: QuietHoursDto | null;
  @ApiProperty({ description: 'Created at (ISO 8601)', example: '2026-11-22T12:00:00.000Z' })
  createdAt: string;
  @ApiProperty({ description: 'Last change (ISO 8601)', example: '2026-11-22T12:00:00.000Z' })
  updatedAt: string;
}

export class ContactPage extends PageOf(ContactView) {}

export class ContactExportView {
  @ApiProperty({ description: 'The contact as stored', type: ContactView })
  contact: ContactView;

  @ApiProperty({ description: 'Every consent change, newest first', type: [ConsentChangeView] })
  consent: ConsentChangeView[];

  /** One more key per module that holds data about the person (conversations, notifications...). */
  [part: string]: unknown;
}
