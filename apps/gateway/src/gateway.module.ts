import { Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { SERVICE_CONTROLLERS, serviceInfrastructure } from '@atelier/service-kit';
import { StorageModule } from '@atelier/storage';
import { BrandProfilesModule } from './brand-profiles/brand-profiles.module';
import { BillingHttpModule } from './billing/billing-http.module';
import { AccountModule } from './account/account.module';
import { AccountsModule } from './accounts/accounts.module';
import { GenerationsModule } from './generations/generations.module';
import { GalleryModule } from './gallery/gallery.module';
import { GenerationBatchesModule } from './generation-batches/generation-batches.module';
import { ApiErrorFilter } from '@atelier/service-kit';
import { ApiValidationPipe } from './http/api-validation.pipe';
import { IdempotentPostsInterceptor } from './http/idempotent-posts.interceptor';
import { IdempotentResponsesRepository } from './http/idempotent-responses.repository';
import { IdentityModule } from './identity/identity.module';
import { GATEWAY_MIGRATIONS } from './migrations';
import { RecommenderModule } from './recommender/recommender.module';
import { WebModule } from './web/web.module';

@Module({
  imports: [
    ...serviceInfrastructure({ service: 'gateway', migrations: GATEWAY_MIGRATIONS }),
    StorageModule.forService(),
    // Limits only the routes that use AuthThrottlerGuard (login, register, refresh), per client IP.
    ThrottlerModule.forRootAsync({
      inject: [SERVICE_CONFIG],
      useFactory: (config: ServiceConfig<'gateway'>) => ({
        throttlers: [
          { name: 'auth', ttl: config.env.AUTH_THROTTLE_TTL_SECONDS * 1000, limit: config.env.AUTH_THROTTLE_LIMIT },
        ],
      }),
    }),
    IdentityModule,
    AccountsModule,
    AccountModule,
    GenerationsModule,
    GenerationBatchesModule,
    GalleryModule,
    BrandProfilesModule,
    BillingHttpModule,
    RecommenderModule,
    WebModule,
  ],
  controllers: [...SERVICE_CONTROLLERS],
  providers: [
    { provide: APP_FILTER, useClass: ApiErrorFilter },
    { provide: APP_PIPE, useClass: ApiValidationPipe },
    IdempotentResponsesRepository,
    { provide: APP_INTERCEPTOR, useClass: IdempotentPostsInterceptor },
  ],
})
export class GatewayModule {}
