import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ValidationPipe } from '@nestjs/common';
import { SERVICE_CONTROLLERS, serviceInfrastructure } from '@atelier/service-kit';
import { StorageModule } from '@atelier/storage';
import { AccountController } from './account/account.controller';
import { BrandProfilesModule } from './brand-profiles/brand-profiles.module';
import { BillingHttpModule } from './billing/billing-http.module';
import { GenerationsModule } from './generations/generations.module';
import { ApiErrorFilter, validationErrorFactory } from './http/api-error';
import { GATEWAY_MIGRATIONS } from './migrations';

@Module({
  imports: [
    ...serviceInfrastructure({ service: 'gateway', migrations: GATEWAY_MIGRATIONS }),
    StorageModule.forService(),
    GenerationsModule,
    BrandProfilesModule,
    BillingHttpModule,
  ],
  controllers: [...SERVICE_CONTROLLERS, AccountController],
  providers: [
    { provide: APP_FILTER, useClass: ApiErrorFilter },
    {
      provide: APP_PIPE,
      useValue: new ValidationPipe({
        transform: true,
        whitelist: true,
        forbidNonWhitelisted: true,
        exceptionFactory: validationErrorFactory,
      }),
    },
  ],
})
export class GatewayModule {}
