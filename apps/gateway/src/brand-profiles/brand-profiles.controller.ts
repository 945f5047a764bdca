import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Res,
  UploadedFile,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Response } from 'express';
import { toJson, type BrandProfile, PromptFragmentSchema, PromptOperationSchema } from '@atelier/contracts';
import { BRAND_FONTS } from '@atelier/creative';
import { RpcClient } from '@atelier/messaging';
import { ApiError } from '@atelier/service-kit';
import { CurrentCaller, DevUserGuard, type Caller } from '../identity/dev-user.guard';
import { BrandProfileDto, PromptPreviewDto } from './brand-profile.dto';
import { BrandKits, rpcFailure } from './brand-kits.service';

/** A multipart file as multer hands it over (memory storage). */
export interface UploadedLogo {
  buffer: Buffer;
  size: number;
}

/** Multer's own cap, well above the logo limit so an oversized logo gets logo_too_large from the check itself. */
export const LOGO_UPLOAD_OPTIONS = { limits: { fileSize: 8 * 1024 * 1024, files: 1, fields: 40, fieldSize: 4096 } };

const profileJson = (p: BrandProfile): Record<string, unknown> => ({
  id: p.id,
  name: p.name,
  styleShort: p.styleShort,
  styleWords: p.styleWords,
  palette: p.palette,
  moodWords: p.moodWords,
  bannedWords: p.bannedWords,
  composition: p.composition,
  isDefault: p.isDefault,
  fonts: p.fonts,
  logo: p.logoKey ? `/v1/brand-profiles/${p.id}/logo` : null,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});

/** A profile's current writable fields, to change only its logo. */
export const fieldsOf = (p: BrandProfile) => ({
  name: p.name,
  styleShort: p.styleShort,
  styleWords: [...p.styleWords],
  palette: [...p.palette],
  moodWords: [...p.moodWords],
  bannedWords: [...p.bannedWords],
  composition: p.composition,
  isDefault: p.isDefault,
  fonts: [...p.fonts],
});

/** JSON API over the enhancer's brand profiles and prompt preview (request/reply, the enhancer owns them). */
@Controller('v1')
@UseGuards(DevUserGuard)
export class BrandProfilesController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly kits: BrandKits,
  ) {}

  @Get('brand-profiles')
  async list(@CurrentCaller() caller: Caller): Promise<Record<string, unknown>> {
    const { profiles, limit } = await this.kits.list(caller.userId);
    return { items: profiles.map(profileJson), limit, fonts: Object.keys(BRAND_FONTS) };
  }

  @Post('brand-profiles')
  @HttpCode(HttpStatus.CREATED)
  async create(@CurrentCaller() caller: Caller, @Body() body: BrandProfileDto): Promise<Record<string, unknown>> {
    return profileJson(await this.kits.create(caller.userId, { ...body }));
  }

  /** Replaces every field but the logo (PUT/DELETE …/logo change that). */
  @Put('brand-profiles/:id')
  async update(
    @CurrentCaller() caller: Caller,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: BrandProfileDto,
  ): Promise<Record<string, unknown>> {
    return profileJson(await this.kits.update(caller.userId, id, { ...body }, { keep: true }));
  }

  @Delete('brand-profiles/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(@CurrentCaller() caller: Caller, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    if (!(await this.kits.delete(caller.userId, id))) {
      throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'brand profile not found');
    }
  }

  /** multipart/form-data with one file field `logo`: PNG, JPEG or WebP, ≤ 1 MiB, ≤ 1024 px; stored re-encoded as PNG. */
  @Put('brand-profiles/:id/logo')
  @UseInterceptors(FileInterceptor('logo', LOGO_UPLOAD_OPTIONS))
  async putLogo(
    @CurrentCaller() caller: Caller,
    @Param('id', new ParseUUIDPipe()) id: string,
    @UploadedFile() file: UploadedLogo | undefined,
  ): Promise<Record<string, unknown>> {
    if (!file)
      throw new ApiError(HttpStatus.BAD_REQUEST, 'logo_missing', 'send the logo as the multipart field "logo"');
    const current = await this.kits.find(caller.userId, id);
    if (!current) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'brand profile not found');
    return profileJson(await this.kits.update(caller.userId, id, fieldsOf(current), { bytes: file.buffer }));
  }

  @Delete('brand-profiles/:id/logo')
  async deleteLogo(
    @CurrentCaller() caller: Caller,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<Record<string, unknown>> {
    const current = await this.kits.find(caller.userId, id);
    if (!current) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'brand profile not found');
    return profileJson(await this.kits.update(caller.userId, id, fieldsOf(current), { remove: true }));
  }

  @Get('brand-profiles/:id/logo')
  async getLogo(
    @CurrentCaller() caller: Caller,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Res() res: Response,
  ): Promise<void> {
    const png = await this.kits.logo(caller.userId, id);
    if (!png) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'no logo');
    res.status(200).set({ 'content-type': 'image/png', 'cache-control': 'private, no-cache' }).send(png);
  }

  /** The enhanced prompt and why it looks like that, without generating anything. */
  @Post('prompts/preview')
  @HttpCode(HttpStatus.OK)
  async preview(@CurrentCaller() caller: Caller, @Body() body: PromptPreviewDto): Promise<Record<string, unknown>> {
    const r = await this.rpc
      .call('enhancer.preview_prompt', {
        userId: caller.userId,
        prompt: body.prompt,
        platform: body.platform,
        goal: body.goal,
        brandProfileId: body.brandProfileId ?? '',
      })
      .catch(rpcFailure);
    return {
      originalPrompt: r.originalPrompt,
      cleanedPrompt: r.cleanedPrompt,
      enhancedPrompt: r.enhancedPrompt,
      negativePrompt: r.negativePrompt,
      language: r.language,
      platform: r.platform,
      goal: r.goal,
      aspectRatio: r.aspectRatio,
      platformConfidence: r.platformConfidence,
      goalConfidence: r.goalConfidence,
      targetWidth: r.targetWidth,
      targetHeight: r.targetHeight,
      backend: r.backend,
      fallbackReason: r.fallbackReason,
      brandProfileId: r.brandProfileId || null,
      fragments: r.fragments.map((f) => toJson(PromptFragmentSchema, f)),
      explanation: r.fragments.map((f) => f.reason),
      operations: r.operations.map((o) => toJson(PromptOperationSchema, o)),
      transliterated: r.transliterated,
    };
  }
}
