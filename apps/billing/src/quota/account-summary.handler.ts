import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { RpcRequest } from '@atelier/contracts';
import { HandlesRequest, type RequestHandler, type RpcReplyInit } from '@atelier/messaging';
import { billingPeriod } from './quota-policy';
import { QuotaReservationRepository } from './quota-reservation.repository';
import { QuotaReservations } from './quota-reservations.service';

/** Answers `billing.get_account`: the caller's plan and this month's usage. */
@Injectable()
@HandlesRequest('billing.get_account')
export class AccountSummaryHandler implements RequestHandler<'billing.get_account'> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: QuotaReservationRepository,
    private readonly quota: QuotaReservations,
  ) {}

  async answer(request: RpcRequest<'billing.get_account'>): Promise<RpcReplyInit<'billing.get_account'>> {
    const period = billingPeriod(new Date());
    const usage = await this.repo.usage(this.dataSource.manager, request.userId, period);
    const plan = this.quota.plan;
    return {
      userId: request.userId,
      plan: plan.name,
      period,
      monthlyImages: usage?.allowance ?? plan.monthlyImages,
      imagesCommitted: usage?.committed ?? 0,
      imagesReserved: usage?.reserved ?? 0,
      maxImagesPerRequest: plan.maxImagesPerRequest,
      features: plan.features,
      walletBalanceKopecks: 0n,
      currency: 'RUB',
    };
  }
}
