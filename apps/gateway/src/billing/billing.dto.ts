import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  NotEquals,
} from 'class-validator';

export const PAYMENT_PROVIDERS = ['sandbox', 'yookassa'] as const;
const MAX_KOPECKS = 100_000_000_00;

export class CreateTopUpDto {
  @IsInt()
  @Min(1)
  @Max(MAX_KOPECKS)
  amountKopecks!: number;

  @IsOptional()
  @IsIn(PAYMENT_PROVIDERS)
  provider?: (typeof PAYMENT_PROVIDERS)[number];

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  @MaxLength(500)
  returnUrl?: string;
}

export class ChangeSubscriptionDto {
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{1,31}$/)
  plan!: string;

  /** The charge the client showed (from the preview): billing never charges more, 409 quote_expired if it moved. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_KOPECKS)
  quotedChargeKopecks?: number;
}

export class PageQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export class AdjustWalletDto {
  @IsInt()
  @NotEquals(0)
  @Min(-MAX_KOPECKS)
  @Max(MAX_KOPECKS)
  amountKopecks!: number;

  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason!: string;
}

export class UpsertPlanDto {
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  name!: string;

  @IsInt()
  @Min(0)
  @Max(MAX_KOPECKS)
  monthlyPriceKopecks!: number;

  @IsInt()
  @Min(0)
  @Max(10_000_000)
  monthlyImages!: number;

  @IsInt()
  @Min(1)
  @Max(64)
  maxImagesPerRequest!: number;

  @IsBoolean()
  autoPromptEnhance!: boolean;

  @IsBoolean()
  autoBestSelection!: boolean;

  @IsInt()
  @Min(0)
  @Max(10_000)
  brandProfileLimit!: number;

  @IsInt()
  @Min(0)
  @Max(10_000)
  loraLimit!: number;

  @IsInt()
  @Min(0)
  @Max(100)
  priority!: number;

  @IsBoolean()
  active!: boolean;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  sortOrder: number = 0;
}
