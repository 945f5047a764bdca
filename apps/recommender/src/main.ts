import { bootstrapService } from '@atelier/service-kit';
import { RecommenderModule } from './recommender.module';

void bootstrapService('recommender', RecommenderModule);
