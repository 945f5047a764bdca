import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IMAGE_BACKEND_NAMES, type ImageBackendName } from '@atelier/image-capabilities';

/** Text and brand colours to put on the images (rendered by backends that draw, e.g. procedural). */
export class CreativeBriefDto {
  @IsOptional()
  @IsString()
  @MaxLength(80)
  title?: string;

  @IsOptional()
  @IsString()
  @MaxLength(24)
  price?: string;

  @IsOptional()
  @IsString()
  @MaxLength(16)
  discount?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(6)
  @Matches(/^#[0-9a-fA-F]{6}$/, { each: true, message: 'brandPalette entries must be colours like #1a2b3c' })
  brandPalette?: string[];
}

/**
 * A generation request as the public API accepts it. These are the outer limits of the API; what a given backend
 * serves (sizes, images per request, steps, guidance) is checked against its capability record afterwards, and
 * absent values take that backend's defaults.
 */
export class CreateGenerationDto {
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  @Matches(/\S/, { message: 'prompt must contain non-whitespace characters' })
  prompt!: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(4)
  n: number = 1;

  @IsOptional()
  @IsInt()
  @Min(64)
  @Max(2048)
  width?: number;

  @IsOptional()
  @IsInt()
  @Min(64)
  @Max(2048)
  height?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(150)
  steps?: number;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(30)
  guidance?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  seed?: number;

  @IsOptional()
  @IsString()
  @Matches(/^[a-z_]{1,40}$/, { message: 'platform must be a lowercase identifier such as instagram_post' })
  platform?: string;

  @IsOptional()
  @IsIn(IMAGE_BACKEND_NAMES)
  backend?: ImageBackendName;

  @IsOptional()
  @ValidateNested()
  @Type(() => CreativeBriefDto)
  creative?: CreativeBriefDto;
}
