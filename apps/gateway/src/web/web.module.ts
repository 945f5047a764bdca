import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { DatingWebController } from './dating-web.controller';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { AccountModule } from '../account/account.module';
import { AccountsModule } from '../accounts/accounts.module';
import { BillingHttpModule } from '../billing/billing-http.module';
import { GenerationsModule } from '../generations/generations.module';
import { GalleryModule } from '../gallery/gallery.module';
import { RecommenderModule } from '../recommender/recommender.module';
import { ErrorPages } from '@atelier/service-kit';
import { AdminBillingWebController } from './admin-billing-web.controller';
import { AccountWebController } from './account-web.controller';
import { BillingWebController } from './billing-web.controller';
import { BrandProfilesModule } from '../brand-profiles/brand-profiles.module';
import { BrandKitsWebController } from './brand-kits-web.controller';
import { GalleryWebController } from './gallery-web.controller';
import { AssetManifest } from './asset-manifest';
import { GenerationCancelWebController } from './generation-cancel.controller';
import { RecommenderDashboardController } from './recommender-dashboard.controller';
import { ShopReads } from './shop-reads';
import { ShopController } from './shop.controller';
import { ShopManageController } from './shop-manage.controller';
import { StyleProfileReader } from './style-profile-reader';
import { VisualSearchWebController } from './visual-search.controller';
import { VisualSearchResultsController } from './visual-search-results.controller';
import { WebErrorPages } from './web-error-pages';
import { WebController } from './web.controller';
import { WebSession } from './web-session';

/** The web studio served by the gateway (server-rendered pages, no CDN). */
@Module({
  imports: [
    AccountsModule,
    AccountModule,
    BillingHttpModule,
    GenerationsModule,
    RecommenderModule,
    BrandProfilesModule,
    GalleryModule,
    // The shop's upload forms (shop-manage.controller.ts): files and carried text within the upload limit.
    MulterModule.registerAsync({
      inject: [SERVICE_CONFIG],
      useFactory: (c: ServiceConfig<'gateway'>) => ({
        limits: { fileSize: c.env.UPLOAD_MAX_BYTES, fieldSize: c.env.UPLOAD_MAX_BYTES },
      }),
    }),
  ],
  controllers: [
    WebController,
    DatingWebController,
    BillingWebController,
    VisualSearchWebController,
    VisualSearchResultsController,
    ShopController,
    ShopManageController,
    RecommenderDashboardController,
    BrandKitsWebController,
    AdminBillingWebController,
    GenerationCancelWebController,
    AccountWebController,
    GalleryWebController,
  ],
  providers: [
    // Startup fails when the build's manifest is missing or incomplete.
    { provide: AssetManifest, useFactory: () => AssetManifest.load() },
    WebSession,
    StyleProfileReader,
    ShopReads,
    { provide: ErrorPages, useClass: WebErrorPages },
  ],
  exports: [ErrorPages],
})
export class WebModule {}
