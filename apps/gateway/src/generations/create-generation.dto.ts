import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

export const IMAGE_BACKENDS = ['procedural', 'openai'] as const;

/** A generation request as the public API accepts it. */
export class CreateGenerationDto {
  @ApiProperty({ maxLength: 2000, example: 'баннер для кофейни, осень, скидка 20%' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  @Matches(/\S/, { message: 'prompt must contain non-whitespace characters' })
  prompt!: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 4, default: 1, description: 'number of images' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(4)
  n: number = 1;

  @ApiPropertyOptional({ minimum: 64, maximum: 2048, default: 512 })
  @IsOptional()
  @IsInt()
  @Min(64)
  @Max(2048)
  width: number = 512;

  @ApiPropertyOptional({ minimum: 64, maximum: 2048, default: 512 })
  @IsOptional()
  @IsInt()
  @Min(64)
  @Max(2048)
  height: number = 512;

  @ApiPropertyOptional({ minimum: 1, maximum: 150, default: 20 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(150)
  steps: number = 20;

  @ApiPropertyOptional({ minimum: 0, maximum: 30, default: 7 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(30)
  guidance: number = 7;

  @ApiPropertyOptional({ minimum: 0, description: 'fixed at submission when omitted' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  seed?: number;

  @ApiPropertyOptional({ example: 'instagram_post', description: 'detected from the text when omitted' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z_]{1,40}$/, { message: 'platform must be a lowercase identifier such as instagram_post' })
  platform?: string;

  @ApiPropertyOptional({ enum: IMAGE_BACKENDS })
  @IsOptional()
  @IsIn(IMAGE_BACKENDS)
  backend?: (typeof IMAGE_BACKENDS)[number];
}
