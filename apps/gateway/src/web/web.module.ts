import { Module } from '@nestjs/common';
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
import { GalleryWebController } from './gallery-web.controller';
import { AssetManifest } from './asset-manifest';
import { GenerationCancelWebController } from './generation-cancel.controller';
import { RecommenderDashboardController } from './recommender-dashboard.controller';
import { ShopReads } from './shop-reads';
import { ShopController } from './shop.controller';
import { StyleProfileReader } from './style-profile-reader';
import { VisualSearchWebController } from './visual-search.controller';
import { WebErrorPages } from './web-error-pages';
import { WebController } from './web.controller';
import { WebSession } from './web-session';

/** The web studio served by the gateway (server-rendered pages, no CDN). */
@Module({
  imports: [AccountsModule, AccountModule, BillingHttpModule, GenerationsModule, RecommenderModule, GalleryModule],
  controllers: [
    WebController,
    BillingWebController,
    VisualSearchWebController,
    ShopController,
    RecommenderDashboardController,
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
