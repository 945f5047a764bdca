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
  UseGuards,
} from '@nestjs/common';
import { toJson, type BrandProfile, PromptFragmentSchema, PromptOperationSchema } from '@atelier/contracts';
import { RpcClient, RpcError } from '@atelier/messaging';
import { ApiError } from '@atelier/service-kit';
import { CurrentCaller, DevUserGuard, type Caller } from '../identity/dev-user.guard';
import { BrandProfileDto, PromptPreviewDto } from './brand-profile.dto';

const STATUS_BY_CODE: Readonly<Record<string, HttpStatus>> = {
  brand_profile_limit: HttpStatus.FORBIDDEN,
  brand_profile_exists: HttpStatus.CONFLICT,
  not_found: HttpStatus.NOT_FOUND,
  invalid_brand_profile: HttpStatus.BAD_REQUEST,
  invalid_request: HttpStatus.BAD_REQUEST,
};

/** Maps the enhancer's error codes to HTTP; unreachable or failing services are 503. */
function rpcFailure(err: unknown): never {
  if (err instanceof RpcError) {
    const status = STATUS_BY_CODE[err.code];
    if (status) throw new ApiError(status, err.code, err.message.replace(/^[^:]+: [^:]+: /u, ''));
    if (err.callerFault) throw new ApiError(err.status, err.code, err.detail);
    throw new ApiError(
      HttpStatus.SERVICE_UNAVAILABLE,
      'enhancer_unavailable',
      'brand profiles are unavailable right now',
    );
  }
  throw err;
}

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
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});

/** JSON API over the enhancer's brand profiles and prompt preview (request/reply, the enhancer owns them). */
@Controller('v1')
@UseGuards(DevUserGuard)
export class BrandProfilesController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('brand-profiles')
  async list(@CurrentCaller() caller: Caller): Promise<Record<string, unknown>> {
    const reply = await this.rpc.call('enhancer.list_brand_profiles', { userId: caller.userId }).catch(rpcFailure);
    return { items: reply.profiles.map(profileJson), limit: reply.limit };
  }

  @Post('brand-profiles')
  @HttpCode(HttpStatus.CREATED)
  async create(@CurrentCaller() caller: Caller, @Body() body: BrandProfileDto): Promise<Record<string, unknown>> {
    const reply = await this.rpc
      .call('enhancer.create_brand_profile', { userId: caller.userId, fields: { ...body } })
      .catch(rpcFailure);
    return profileJson(reply.profile ?? ({} as BrandProfile));
  }

  @Put('brand-profiles/:id')
  async update(
    @CurrentCaller() caller: Caller,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: BrandProfileDto,
  ): Promise<Record<string, unknown>> {
    const reply = await this.rpc
      .call('enhancer.update_brand_profile', { userId: caller.userId, id, fields: { ...body } })
      .catch(rpcFailure);
    return profileJson(reply.profile ?? ({} as BrandProfile));
  }

  @Delete('brand-profiles/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(@CurrentCaller() caller: Caller, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    const reply = await this.rpc.call('enhancer.delete_brand_profile', { userId: caller.userId, id }).catch(rpcFailure);
    if (!reply.deleted) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'brand profile not found');
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
