import { Injectable } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';

// OWASP's minimum for argon2id: 19 MiB, 2 iterations, 1 lane.
const PARAMS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** argon2id password hashes (PHC strings with salt and parameters); runs on libuv's thread pool. */
@Injectable()
export class PasswordHasher {
  // Verified against when the e-mail is unknown, so both paths cost the same time.
  private readonly dummy = hash('atelier-dummy-password', PARAMS);

  hash(password: string): Promise<string> {
    return hash(password, PARAMS);
  }

  async verify(passwordHash: string | undefined, password: string): Promise<boolean> {
    try {
      const ok = await verify(passwordHash ?? (await this.dummy), password);
      return passwordHash !== undefined && ok;
    } catch {
      return false;
    }
  }
}
