import { bootstrapService } from '@atelier/service-kit';
import { BillingModule } from './billing.module';

void bootstrapService('billing', BillingModule);
