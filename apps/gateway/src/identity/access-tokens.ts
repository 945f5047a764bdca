import { Inject, Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import type { Role } from './caller';

export const JWT_ISSUER = 'atelier-gateway';
export const JWT_AUDIENCE = 'atelier';
/** The only algorithm accepted: `alg: none` and every other algorithm fail verification. */
export const JWT_ALGORITHMS: jwt.Algorithm[] = ['HS256'];

export interface AccessClaims {
  sub: string;
  role: Role;
  sid: string;
  typ: 'access';
}

/** Signs short-lived access tokens; verification is the passport-jwt strategy's job. */
@Injectable()
export class AccessTokens {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'gateway'>) {}

  get ttlSeconds(): number {
    return this.config.env.ACCESS_TOKEN_TTL_SECONDS;
  }

  sign(user: { id: string; role: Role }, sessionId: string): string {
    const claims: Omit<AccessClaims, 'sub'> = { role: user.role, sid: sessionId, typ: 'access' };
    return jwt.sign(claims, this.config.env.JWT_SECRET, {
      algorithm: 'HS256',
      subject: user.id,
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      expiresIn: this.ttlSeconds,
    });
  }
}
