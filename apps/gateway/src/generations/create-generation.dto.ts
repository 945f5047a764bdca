import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
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
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu;
/** Most items one batch may name (one creative, one image, each). */
export const MAX_BATCH_ITEMS = 50;

/**
 * Text and brand colours to put on the images (set on every backend's images). Fields left out are read from the
 * request text where it says them ("скидка 20%", "190 ₽", "промокод LETO20", "до воскресенья").
 */
export class CreativeBriefDto {
  @ApiPropertyOptional({ maxLength: 200, description: 'headline' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  title?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  subline?: string;

  @ApiPropertyOptional({ maxLength: 24, example: '2 490 ₽', description: 'shown struck through beside the price' })
  @IsOptional()
  @IsString()
  @MaxLength(24)
  oldPrice?: string;

  @ApiPropertyOptional({ maxLength: 24, example: 'LETO20' })
  @IsOptional()
  @IsString()
  @MaxLength(24)
  promoCode?: string;

  @ApiPropertyOptional({ maxLength: 60, example: 'До воскресенья' })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  deadline?: string;

  @ApiPropertyOptional({ maxLength: 40, example: 'Купить' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  cta?: string;

  @ApiPropertyOptional({ maxLength: 24, example: '990 ₽' })
  @IsOptional()
  @IsString()
  @MaxLength(24)
  price?: string;

  @ApiPropertyOptional({ maxLength: 16, example: '-20%' })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  discount?: string;

  @ApiPropertyOptional({ type: [String], maxItems: 6, example: ['#6f4e37', '#f5e6d3'] })
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
  width?: number;

  @ApiPropertyOptional({ minimum: 64, maximum: 2048, default: 512 })
  @IsOptional()
  @IsInt()
  @Min(64)
  @Max(2048)
  height?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 150, default: 20 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(150)
  steps?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 30, default: 7 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(30)
  guidance?: number;

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

  @ApiPropertyOptional({ example: 'promotion', description: 'detected from the text when omitted' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z_]{1,40}$/, { message: 'goal must be a lowercase identifier such as promotion' })
  goal?: string;

  @ApiPropertyOptional({ enum: IMAGE_BACKEND_NAMES, description: 'image backend; the configured default when omitted' })
  @IsOptional()
  @IsIn(IMAGE_BACKEND_NAMES)
  backend?: ImageBackendName;

  @ApiPropertyOptional({
    example: 'none',
    description: "brand profile (its palette, fonts, logo) by id, or 'none'; the default profile when omitted",
  })
  @IsOptional()
  @IsString()
  @Matches(/^(?:none|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/iu, {
    message: "brandProfileId must be a brand profile's id or 'none'",
  })
  brandProfileId?: string;

  @ApiPropertyOptional({ type: () => CreativeBriefDto, description: 'text and brand colours to put on the images' })
  @IsOptional()
  @ValidateNested()
  @Type(() => CreativeBriefDto)
  creative?: CreativeBriefDto;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      "one of your shop's catalogue items: its photo becomes the subject (studio background removed), its title " +
      "and price fill what creative leaves out; another shop's item is 404 item_not_found",
  })
  @IsOptional()
  @IsString()
  @Matches(UUID_PATTERN, { message: 'itemId must be a catalogue item id (UUID)' })
  itemId?: string;
}

/** One creative per catalogue item: `POST /v1/generation-batches`. */
export class CreateGenerationBatchDto {
  @ApiProperty({ type: [String], minItems: 1, maxItems: MAX_BATCH_ITEMS, description: "your shop's item ids" })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_ITEMS)
  @ArrayUnique((id: string) => (typeof id === 'string' ? id.toLowerCase() : id), {
    message: 'itemIds must not repeat an item',
  })
  @Matches(UUID_PATTERN, { each: true, message: 'itemIds must be catalogue item ids (UUIDs)' })
  itemIds!: string[];

  @ApiPropertyOptional({
    maxLength: 2000,
    example: 'карточки для маркетплейса',
    description: "the request for every card; each item's title when omitted",
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  prompt?: string;

  @ApiPropertyOptional({ example: 'marketplace_card' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z_]{1,40}$/, { message: 'platform must be a lowercase identifier such as instagram_post' })
  platform?: string;

  @ApiPropertyOptional({ enum: IMAGE_BACKEND_NAMES })
  @IsOptional()
  @IsIn(IMAGE_BACKEND_NAMES)
  backend?: ImageBackendName;

  @ApiPropertyOptional({ example: 'none' })
  @IsOptional()
  @IsString()
  @Matches(/^(?:none|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/iu, {
    message: "brandProfileId must be a brand profile's id or 'none'",
  })
  brandProfileId?: string;
}
