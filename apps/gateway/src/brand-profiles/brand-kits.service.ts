import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import type { BrandProfile } from '@atelier/contracts';
import { brandFont } from '@atelier/creative';
import { RpcClient, RpcError } from '@atelier/messaging';
import { ApiError } from '@atelier/service-kit';
import { ObjectStorage } from '@atelier/storage';
import { LogoRejected, reencodeLogo } from './brand-logo';

const STATUS_BY_CODE: Readonly<Record<string, HttpStatus>> = {
  brand_profile_limit: HttpStatus.FORBIDDEN,
  brand_profile_exists: HttpStatus.CONFLICT,
  not_found: HttpStatus.NOT_FOUND,
  invalid_brand_profile: HttpStatus.BAD_REQUEST,
  invalid_request: HttpStatus.BAD_REQUEST,
  unknown_font: HttpStatus.BAD_REQUEST,
};

/** Maps the enhancer's error codes to HTTP; unreachable or failing services are 503. */
export function rpcFailure(err: unknown): never {
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

/** The writable fields of a brand kit as the gateway hands them on (the logo travels separately). */
export interface BrandKitFields {
  name: string;
  styleShort: string;
  styleWords: string[];
  palette: string[];
  moodWords: string[];
  bannedWords: string[];
  composition: string;
  isDefault: boolean;
  fonts: string[];
}

/** What to do with the logo on an update: keep it, replace it with these bytes, or remove it. */
export type LogoChange = { keep: true } | { bytes: Buffer } | { remove: true };

/** Fonts not on the text layer's allow-list are refused here, before anything is sent or stored (400). */
export function checkFonts(fonts: readonly string[]): string[] {
  return fonts.map((f) => {
    const known = brandFont(f);
    if (!known) throw new ApiError(HttpStatus.BAD_REQUEST, 'unknown_font', `font "${f.slice(0, 60)}" is not available`);
    return known;
  });
}

const logoFailure = (err: unknown): never => {
  if (err instanceof LogoRejected) throw new ApiError(err.status, err.code, err.message);
  throw err;
};

/**
 * Brand kits for the JSON API and the web pages: the enhancer owns the profiles (request/reply); the gateway owns
 * the logo upload. A logo is checked and re-encoded before anything is stored, stored under the owner's id, and
 * removed again when the enhancer refuses the profile, so a refused request leaves nothing behind.
 */
@Injectable()
export class BrandKits {
  constructor(
    private readonly rpc: RpcClient,
    private readonly storage: ObjectStorage,
  ) {}

  /** `timeoutMs`: the studio asks with a short one, so a slow enhancer never holds its page up for long. */
  async list(userId: string, timeoutMs?: number): Promise<{ profiles: BrandProfile[]; limit: number }> {
    const reply = await this.rpc.call('enhancer.list_brand_profiles', { userId }, timeoutMs).catch(rpcFailure);
    return { profiles: reply.profiles, limit: reply.limit };
  }

  async find(userId: string, id: string): Promise<BrandProfile | undefined> {
    return (await this.list(userId)).profiles.find((p) => p.id === id);
  }

  async create(userId: string, fields: BrandKitFields, logo?: Buffer): Promise<BrandProfile> {
    const fonts = checkFonts(fields.fonts);
    const png = logo ? (await reencodeLogo(logo).catch(logoFailure)).png : undefined;
    return this.withLogo(userId, png, async (logoKey) => {
      const reply = await this.rpc
        .call('enhancer.create_brand_profile', { userId, fields: { ...fields, fonts, logoKey } })
        .catch(rpcFailure);
      return reply.profile as BrandProfile;
    });
  }

  async update(userId: string, id: string, fields: BrandKitFields, logo: LogoChange): Promise<BrandProfile> {
    const fonts = checkFonts(fields.fonts);
    const png = 'bytes' in logo ? (await reencodeLogo(logo.bytes).catch(logoFailure)).png : undefined;
    const reply = await this.withLogo(userId, png, (logoKey) =>
      this.rpc
        .call('enhancer.update_brand_profile', {
          userId,
          id,
          // The enhancer keeps the stored logo itself: no read of the profile (and of the plan) first.
          fields: { ...fields, fonts, logoKey, keepLogo: 'keep' in logo },
        })
        .catch(rpcFailure),
    );
    if (reply.replacedLogoKey) await this.forget(reply.replacedLogoKey);
    return reply.profile as BrandProfile;
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const reply = await this.rpc.call('enhancer.delete_brand_profile', { userId, id }).catch(rpcFailure);
    if (reply.logoKey) await this.forget(reply.logoKey);
    return reply.deleted;
  }

  /** The profile's logo PNG, only for its owner. */
  async logo(userId: string, id: string): Promise<Buffer | undefined> {
    const profile = await this.find(userId, id);
    if (!profile?.logoKey) return undefined;
    return this.storage.get(profile.logoKey);
  }

  /** Stores the PNG (if any) under a fresh key of the user, runs `save` with the key, removes the file if it fails. */
  private async withLogo<T>(
    userId: string,
    png: Buffer | undefined,
    save: (logoKey: string) => Promise<T>,
  ): Promise<T> {
    if (!png) return save('');
    const key = `brand-logos/${userId.toLowerCase()}/${randomUUID()}.png`;
    await this.storage.put(key, png);
    try {
      return await save(key);
    } catch (err) {
      await this.forget(key);
      throw err;
    }
  }

  private async forget(key: string): Promise<void> {
    // A leftover file is harmless (nothing points at it); a failed clean-up must not fail the request.
    await this.storage.delete(key).catch(() => undefined);
  }
}
