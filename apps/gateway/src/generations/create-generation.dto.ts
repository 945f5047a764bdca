import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

export const IMAGE_BACKENDS = ['procedural', 'openai'] as const;

/** A generation request as the public API accepts it. */
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
  width: number = 512;

  @IsOptional()
  @IsInt()
  @Min(64)
  @Max(2048)
  height: number = 512;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(150)
  steps: number = 20;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(30)
  guidance: number = 7;

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
  @IsIn(IMAGE_BACKENDS)
  backend?: (typeof IMAGE_BACKENDS)[number];
}
