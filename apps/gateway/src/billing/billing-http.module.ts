import { Module } from '@nestjs/common';
import { BillingAccountController, PlansController } from './billing-account.controller';
import { BillingAdminController } from './billing-admin.controller';
import { BillingRpc } from './billing-rpc';

/**
 * Billing's public API at the gateway: every read and command goes to billing by request/reply.
 * Payment webhooks are not here: providers call billing directly (see apps/billing/README.md).
 */
@Module({
  controllers: [BillingAccountController, PlansController, BillingAdminController],
  providers: [BillingRpc],
  // The web's billing pages ask billing the same way.
  exports: [BillingRpc],
})
export class BillingHttpModule {}
