import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';

/** A brand profile as the public API accepts it (the enhancer validates again: it owns the data). */
export class BrandProfileDto {
  @IsString()
  @MinLength(1)
  @MaxLength(80)
  @Matches(/\S/u, { message: 'name must contain non-whitespace characters' })
  name!: string;

  @IsOptional()
  @IsString()
  @MaxLength(300)
  styleShort: string = '';

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(40, { each: true })
  styleWords: string[] = [];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(6)
  @Matches(/^#[0-9a-fA-F]{6}$/u, { each: true, message: 'palette entries must be hex colours like #1E5A32' })
  palette: string[] = [];

  /** Headline font, then body font; names from the allow-list (GET /v1/brand-profiles lists them). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2)
  @IsString({ each: true })
  @MaxLength(60, { each: true })
  fonts: string[] = [];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(40, { each: true })
  moodWords: string[] = [];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(40, { each: true })
  bannedWords: string[] = [];

  @IsOptional()
  @IsString()
  @MaxLength(300)
  composition: string = '';

  @IsOptional()
  @IsBoolean()
  isDefault: boolean = false;
}

export class PromptPreviewDto {
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  @Matches(/\S/u, { message: 'prompt must contain non-whitespace characters' })
  prompt!: string;

  @IsOptional()
  @IsString()
  @MaxLength(40)
  platform: string = '';

  @IsOptional()
  @IsString()
  @MaxLength(40)
  goal: string = '';

  @IsOptional()
  @IsUUID()
  brandProfileId?: string;
}
