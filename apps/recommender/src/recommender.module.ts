import { Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { SERVICE_CONTROLLERS, serviceInfrastructure } from '@atelier/service-kit';
import { StorageModule } from '@atelier/storage';
import { CatalogModule } from './catalog/catalog.module';
import { ApiErrorFilter, validationErrorFactory } from '@atelier/service-kit';
import { InteractionsModule } from './interactions/interactions.module';
import { OfflineMetricsModule } from './offline-metrics/offline-metrics.module';
import { RECOMMENDER_MIGRATIONS } from './migrations';
import { PhotosModule } from './photos/photos.module';
import { StyleProfilesModule } from './style-profiles/style-profiles.module';
import { RecommendationsModule } from './recommendations/recommendations.module';
import { SearchModule } from './search/search.module';
import { UserErasureModule } from './user-erasure/user-erasure.module';

@Module({
  imports: [
    ...serviceInfrastructure({ service: 'recommender', migrations: RECOMMENDER_MIGRATIONS }),
    StorageModule.forService(),
    CatalogModule,
    SearchModule,
    InteractionsModule,
    RecommendationsModule,
    PhotosModule,
    StyleProfilesModule,
    OfflineMetricsModule,
    UserErasureModule,
  ],
  controllers: SERVICE_CONTROLLERS,
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
export class RecommenderModule {}
