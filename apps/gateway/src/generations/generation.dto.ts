import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

export class FeedbackDto {
  @ApiProperty({ minimum: 1, maximum: 16, description: 'rank of the image (1 = best)' })
  @IsInt()
  @Min(1)
  @Max(16)
  rank!: number;

  @ApiProperty({ enum: ['like', 'dislike'] })
  @IsIn(['like', 'dislike'])
  verdict!: 'like' | 'dislike';
}

export class FeedbackResultDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() rank!: number;
  @ApiProperty() imageIndex!: number;
  @ApiProperty({ enum: ['like', 'dislike'] }) verdict!: string;
  @ApiProperty({ description: 'false when this verdict was already recorded' }) changed!: boolean;
}

export class AcceptedGenerationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'queued' }) status!: 'queued';
  @ApiProperty({ example: { self: '/v1/generations/{id}', events: '/v1/generations/{id}/events' } })
  links!: Record<string, string>;
}

export class CancelGenerationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({
    enum: ['requested', 'cancelled'],
    description: 'requested: the saga is being stopped (the generation turns failed, code cancelled); cancelled: it is',
  })
  cancel!: 'requested' | 'cancelled';
  @ApiProperty({ example: { self: '/v1/generations/{id}', events: '/v1/generations/{id}/events' } })
  links!: Record<string, string>;
}

export class RankedImageDto {
  @ApiProperty({ description: '1 = best' }) rank!: number;
  @ApiProperty({ description: 'position in the generated batch' }) index!: number;
  @ApiProperty() width!: number;
  @ApiProperty() height!: number;
  @ApiProperty({ description: "the judge's final score" }) score!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'judge metrics' })
  metrics!: Record<string, number>;
  @ApiProperty({ description: 'marked best by the judge (plans with auto best selection)' }) best!: boolean;
  @ApiPropertyOptional({
    nullable: true,
    description: 'validation against the requested attributes: {consistency, outlierScore, outlier, rejected, reasons}',
  })
  validation!: {
    consistency: number;
    outlierScore: number;
    outlier: boolean;
    rejected: boolean;
    reasons: string[];
  } | null;
  @ApiPropertyOptional({ nullable: true, description: 'position in the judge’s diversity (DPP) order' })
  diversityOrder!: number | null;
  @ApiProperty({ example: '/v1/generations/{id}/images/1' }) url!: string;
}

export class DiverseSelectionDto {
  @ApiProperty() k!: number;
  @ApiProperty({ type: [RankedImageDto] }) images!: RankedImageDto[];
  @ApiProperty({ description: 'diversity of the selection in [0, 1]' }) diversity!: number;
  @ApiProperty({ description: 'coverage of the batch by the selection in [0, 1]' }) coverage!: number;
  @ApiProperty({ example: 'dpp-greedy' }) method!: string;
}

export class StepDto {
  @ApiProperty({ example: 'quota.reserved' }) event!: string;
  @ApiProperty({ example: 'reserved' }) status!: string;
  @ApiProperty() at!: Date;
}

export class FailureDto {
  @ApiProperty() stage!: string;
  @ApiProperty() code!: string;
  @ApiProperty() reason!: string;
}

const STATUSES = ['queued', 'reserved', 'enhancing', 'generating', 'judging', 'completed', 'failed', 'rejected'];

export class GenerationViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: STATUSES }) status!: string;
  @ApiProperty() prompt!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) params!: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String }) cleanedPrompt!: string | null;
  @ApiProperty({ nullable: true, type: String }) enhancedPrompt!: string | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true })
  enhancement!: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: String }) backend!: string | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true })
  scorer!: { name: string; version: string } | null;
  @ApiProperty({ type: [RankedImageDto] }) images!: RankedImageDto[];
  @ApiPropertyOptional({
    nullable: true,
    description: 'what the judge concluded about the batch: validation summary, weights, diversity order',
  })
  judging!: {
    validationSummary: string;
    weights: { fidelity: number; aesthetic: number };
    diversity: { order: number[]; diversity: number[]; coverage: number[]; method: string } | null;
  } | null;
  @ApiPropertyOptional({ nullable: true, type: FailureDto }) failure!: FailureDto | null;
  @ApiProperty({ type: [StepDto] }) steps!: StepDto[];
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
  @ApiProperty({ nullable: true, type: Date }) completedAt!: Date | null;
}

export class GenerationSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: STATUSES }) status!: string;
  @ApiProperty() prompt!: string;
  @ApiProperty() n!: number;
  @ApiProperty({ nullable: true, type: String, description: 'best image, once completed' })
  thumbnailUrl!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ nullable: true, type: Date }) completedAt!: Date | null;
}

export class GenerationPageDto {
  @ApiProperty({ type: [GenerationSummaryDto] }) items!: GenerationSummaryDto[];
  @ApiProperty({ nullable: true, type: String, description: 'pass as ?cursor= for the next page' })
  nextCursor!: string | null;
}

export class ImageQueryDto {
  @ApiPropertyOptional({ enum: ['0', '1'], description: '1: Content-Disposition attachment' })
  @IsOptional()
  @Type(() => String)
  @IsIn(['0', '1'])
  download: '0' | '1' = '0';
}
