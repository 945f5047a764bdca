import './tracing';
import { bootstrapService } from '@atelier/service-kit';
import { GeneratorModule } from './generator.module';

void bootstrapService('generator', GeneratorModule);
