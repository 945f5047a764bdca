import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

/** One catalog item as the API and the importers accept it. */
export class ItemDto {
  @IsString()
  @Matches(/^[\w.:/-]{1,128}$/, { message: 'externalId must be 1-128 letters, digits or ._:/-' })
  externalId!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(500)
  @Matches(/\S/, { message: 'title must contain non-whitespace characters' })
  title!: string;

  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(8)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  categoryPath?: string[];

  /** Flat attributes; values are strings, numbers or booleans (checked by the importer). */
  @IsOptional()
  @IsObject()
  attributes?: Record<string, unknown>;

  /** Price in major units (roubles, dollars). */
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0)
  @Max(1e12)
  price?: number;

  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as RUB' })
  currency?: string;

  /** Product photo, base64 (JPEG, PNG or WebP); at most ~4 MB decoded. */
  @IsOptional()
  @IsString()
  @MaxLength(5_600_000)
  imageBase64?: string;
}

export class ImportItemsDto {
  @IsArray()
  @ArrayMaxSize(5000)
  @ValidateNested({ each: true })
  @Type(() => ItemDto)
  items!: ItemDto[];
}
