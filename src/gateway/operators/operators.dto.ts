import { PageOf } from '../../platform/http/pagination';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsString, Length, MaxLength } from 'class-validator';
import { Role, ROLES } from './user.entity';

const lower = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

export class CreateUserDto {
  @ApiProperty({ description: 'Login e-mail, unique across the deployment', example: 'ana@clinica.com.br' })
  @Transform(lower)
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ description: 'At least 12 characters', example: 'a long passphrase here', minLength: 12 })
  @IsString()
  @Length(12, 200)
  password: string;

  @ApiProperty({
    description: 'admin: everything; operator: read and write; viewer: read only',
    enum: ROLES,
    example: 'operator',
  })
  @IsIn(ROLES)
  role: Role;
}

export class UserView {
  @ApiProperty({ description: 'User id (UUIDv7)', example: '01936b2e-1f2a-7cc3-8a4b-1234567890ab' })
  id: string;
  @ApiProperty({ description: 'Login e-mail', example: 'ana@clinica.com.br' })
  email: string;
  @ApiProperty({ description: 'Role', enum: ROLES, example: 'operator' })
  role: Role;
  @ApiProperty({ description: 'Creation time (ISO 8601 UTC)', example: '2026-11-22T12:00:00.000Z' })
  createdAt: string;
  @ApiProperty({
    description: 'When the user was disabled; null while active',
    nullable: true,
    type: String,
    example: null,
  })
  disabledAt: string | null;
}

export class UserPage extends PageOf(UserView) {}

export class LoginDto {
  @ApiProperty({ description: 'Login e-mail', example: 'ana@clinica.com.br' })
  @Transform(lower)
  @IsString()
  @MaxLength(254)
  email: string;

  @ApiProperty({ description: 'Password', example: 'a long passphrase here' })
  @IsString()
  @MaxLength(200)
  password: string;
}

export class RefreshDto {
  @ApiProperty({
    description: 'The refresh token from login or the last refresh',
    example: 'rt_Xy3kLm9Q2wR7tYuI0pAsDfGhJkLzXcVb',
  })
  @IsString()
  @MaxLength(200)
  refreshToken: string;
}

export class TokensView {
  @ApiProperty({
    description: 'JWT for `Authorization: Bearer`, valid 15 minutes',
    example: 'eyJhbGciOiJIUzI1NiJ9.e30.sig',
  })
  accessToken: string;
  @ApiProperty({
    description: 'Single-use token for POST /v1/auth/refresh, valid 30 days',
    example: 'rt_Xy3kLm9Q2wR7tYuI0pAsDfGhJkLzXcVb',
  })
  refreshToken: string;
  @ApiProperty({ description: 'Seconds until the access token expires', example: 900 })
  expiresIn: number;
  @ApiProperty({ description: 'Always Bearer', example: 'Bearer' })
  tokenType: 'Bearer';
}
