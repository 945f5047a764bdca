import { Module } from '@nestjs/common';
import { EnhancementRepository } from './enhancement.repository';
import { PromptEnhancer } from './prompt-enhancer.service';
import { QuotaReservedHandler } from './quota-reserved.handler';

@Module({ providers: [PromptEnhancer, EnhancementRepository, QuotaReservedHandler] })
export class EnhancementModule {}
