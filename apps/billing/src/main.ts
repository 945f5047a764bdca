import { bootstrapService } from '@atelier/service-kit';
import { BillingModule } from './billing.module';

// rawBody: payment webhooks are verified against the exact bytes the provider signed.
void bootstrapService('billing', BillingModule, { nestOptions: { rawBody: true } });
