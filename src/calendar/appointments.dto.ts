import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDateString,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { PageOf, PageQuery } from '../platform/http/pagination';
import { APPOINTMENT_STATUSES, type AppointmentStatus } from './appointment.entity';

export class AppointmentContactDto {
  @ApiPropertyOptional({ description: 'Full name', example: 'Maria Souza' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ description: 'Phone (E.164 or Brazilian national)', example: '+5531988887777' })
  @IsOptional()
  @IsString()
  @Length(4, 32)
  phone?: string;

  @ApiPropertyOptional({ description: 'E-mail', example: 'maria@example.com' })
  @IsOptional()
  @IsEmail()
  email?: string;
}

class AppointmentExtras {
  @ApiPropertyOptional({
    description: 'Who or what is booked (a professional, a room)',
    example: 'Cadeira 2',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  resource?: string;

  @ApiPropertyOptional({ description: 'Notes', example: 'Primeira vez' })
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  notes?: string;

  @ApiPropertyOptional({ description: 'Book even when the time overlaps other bookings', default: false })
  @IsOptional()
  @IsBoolean()
  allowConflicts?: boolean;
}

class AppointmentFields extends AppointmentExtras {
  @ApiPropertyOptional({ description: 'What is booked', example: 'Corte de cabelo' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  service?: string;

  @ApiPropertyOptional({ description: 'Length in minutes', example: 30, minimum: 5, maximum: 1440 })
  @IsOptional()
  @IsInt()
  @Min(5)
  @Max(1440)
  durationMinutes?: number;
}

export class CreateAppointmentDto extends AppointmentExtras {
  @ApiPropertyOptional({ description: 'The contact (one of contactId or contact)', format: 'uuid' })
  @IsOptional()
  @IsUUID()
  contactId?: string;

  @ApiPropertyOptional({
    description: 'The person, found or created by phone or e-mail',
    type: AppointmentContactDto,
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => AppointmentContactDto)
  contact?: AppointmentContactDto;

  @ApiProperty({ description: 'What is booked', example: 'Corte de cabelo' })
  @IsString()
  @Length(1, 200)
  service: string;

  @ApiProperty({ description: 'Start (ISO 8601)', example: '2026-05-12T15:00:00-03:00' })
  @IsDateString({ strict: true })
  startsAt: string;

  @ApiProperty({ description: 'Length in minutes', example: 30, minimum: 5, maximum: 1440 })
  @IsInt()
  @Min(5)
  @Max(1440)
  durationMinutes: number;

  @ApiPropertyOptional({
    description: 'Calendar to mirror it in (default: the first active connection’s first calendar)',
    example: 'primary',
  })
  @IsOptional()
  @Matches(/^[^\s/]{1,254}$/)
  calendarId?: string;
}

export class UpdateAppointmentDto extends AppointmentFields {
  @ApiPropertyOptional({
    description: 'New start (ISO 8601): a reschedule',
    example: '2026-05-13T10:00:00-03:00',
  })
  @IsOptional()
  @IsDateString({ strict: true })
  startsAt?: string;
}

export class AppointmentQuery extends PageQuery {
  @ApiPropertyOptional({
    description: 'A local day (YYYY-MM-DD) in the workspace’s time zone',
    example: '2026-05-12',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  day?: string;

  @ApiPropertyOptional({ description: 'Only this contact’s', format: 'uuid' })
  @IsOptional()
  @IsUUID()
  contactId?: string;

  @ApiPropertyOptional({ description: 'Only this status', enum: APPOINTMENT_STATUSES })
  @IsOptional()
  @IsIn(APPOINTMENT_STATUSES)
  status?: AppointmentStatus;
}

export class AppointmentView {
  @ApiProperty({ description: 'Appointment id', format: 'uuid' }) id: string;
  @ApiProperty({ description: 'Contact', format: 'uuid' }) contactId: string;
  @ApiProperty({ description: 'What is booked' }) service: string;
  @ApiProperty({ description: 'Start', format: 'date-time' }) startsAt: string;
  @ApiProperty({ description: 'End', format: 'date-time' }) endsAt: string;
  @ApiProperty({ description: 'Length in minutes' }) durationMinutes: number;
  @ApiProperty({ description: 'Status', enum: APPOINTMENT_STATUSES }) status: AppointmentStatus;
  @ApiProperty({ description: 'Calendar connection', nullable: true, type: String, format: 'uuid' })
  connectionId: string | null;
  @ApiProperty({ description: 'Calendar', nullable: true, type: String }) calendarId: string | null;
  @ApiProperty({ description: 'The mirrored event (Ponte id)', nullable: true, type: String, format: 'uuid' })
  calendarEventId: string | null;
  @ApiProperty({ description: 'Who or what is booked', nullable: true, type: String }) resource:
    string | null;
  @ApiProperty({ description: 'Notes', nullable: true, type: String }) notes: string | null;
  @ApiProperty({ description: 'Created', format: 'date-time' }) createdAt: string;
  @ApiProperty({ description: 'Last change', format: 'date-time' }) updatedAt: string;
}

export class AppointmentPage extends PageOf(AppointmentView) {}
