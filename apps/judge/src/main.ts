import './tracing';
import { bootstrapService } from '@atelier/service-kit';
import { JudgeModule } from './judge.module';

void bootstrapService('judge', JudgeModule);
