import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { ROLES, type Role } from '../identity/caller';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './password-policy';

export class RegisterDto {
  @ApiProperty({ example: 'anna@example.com', maxLength: 320, description: 'normalised: trimmed, lower case' })
  @IsString()
  @MinLength(3)
  @MaxLength(320)
  email!: string;

  @ApiProperty({
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
    description: 'not a common password, not one repeated character, not containing the e-mail name',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password!: string;

  @ApiPropertyOptional({ maxLength: 80 })
  @IsOptional()
  @IsString()
  @MaxLength(80)
  displayName?: string;

  @ApiPropertyOptional({ enum: ['ru', 'en'], default: 'ru' })
  @IsOptional()
  @IsIn(['ru', 'en'])
  locale?: 'ru' | 'en';
}

export class LoginDto {
  @ApiProperty({ example: 'anna@example.com' })
  @IsString()
  @MinLength(1)
  @MaxLength(320)
  email!: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password!: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  currentPassword!: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  newPassword!: string;
}

export class RefreshDto {
  @ApiPropertyOptional({ description: 'omit to use the web session cookie (then x-csrf-token is required)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  refreshToken?: string;
}

export class UserProfileDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiProperty({ nullable: true, type: String }) displayName!: string | null;
  @ApiProperty({ enum: ['ru', 'en'] }) locale!: string;
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ nullable: true, type: Date }) lastLoginAt!: Date | null;
}

export class TokenResponseDto {
  @ApiProperty({ description: 'JWT (HS256); send as Authorization: Bearer <token>' }) accessToken!: string;
  @ApiProperty({ example: 'Bearer' }) tokenType!: 'Bearer';
  @ApiProperty({ description: 'access token lifetime in seconds' }) expiresIn!: number;
  @ApiProperty({ description: 'opaque; rotates on every refresh, the old one is then invalid' })
  refreshToken!: string;
  @ApiProperty() refreshExpiresAt!: Date;
}

export class RegisteredDto {
  @ApiProperty({ type: UserProfileDto }) user!: UserProfileDto;
}

/** Endpoints that take no fields: any field is an error (400), not silently ignored. */
export class EmptyDto {}

export class SetRoleDto {
  @ApiProperty({ enum: ROLES, description: 'takes effect with the next access token (at most its lifetime later)' })
  @IsIn(ROLES)
  role!: Role;
}
