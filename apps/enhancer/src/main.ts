import './tracing';
import { bootstrapService } from '@atelier/service-kit';
import { EnhancerModule } from './enhancer.module';

void bootstrapService('enhancer', EnhancerModule);
