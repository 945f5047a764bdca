import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PLAN_COLUMNS, planFromRow, type Plan, type PlanRow } from './plan';

/** All SQL of the plan catalogue. */
@Injectable()
export class PlanRepository {
  async get(m: EntityManager, code: string): Promise<Plan | undefined> {
    const rows = (await m.query(`SELECT ${PLAN_COLUMNS} FROM billing.plans WHERE code = $1`, [code])) as PlanRow[];
    return rows[0] ? planFromRow(rows[0]) : undefined;
  }

  async list(m: EntityManager, includeInactive: boolean): Promise<Plan[]> {
    const rows = (await m.query(
      `SELECT ${PLAN_COLUMNS} FROM billing.plans WHERE active OR $1 ORDER BY sort_order, code`,
      [includeInactive],
    )) as PlanRow[];
    return rows.map(planFromRow);
  }

  async upsert(m: EntityManager, p: Plan, adminId: string): Promise<Plan> {
    const rows = (await m.query(
      `INSERT INTO billing.plans (code, name, monthly_price_kopecks, monthly_images, max_images_per_request,
          auto_prompt_enhance, auto_best_selection, brand_profile_limit, lora_limit, priority, active, sort_order,
          edited_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now())
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, monthly_price_kopecks = EXCLUDED.monthly_price_kopecks,
          monthly_images = EXCLUDED.monthly_images, max_images_per_request = EXCLUDED.max_images_per_request,
          auto_prompt_enhance = EXCLUDED.auto_prompt_enhance, auto_best_selection = EXCLUDED.auto_best_selection,
          brand_profile_limit = EXCLUDED.brand_profile_limit, lora_limit = EXCLUDED.lora_limit,
          priority = EXCLUDED.priority, active = EXCLUDED.active, sort_order = EXCLUDED.sort_order,
          edited_by = EXCLUDED.edited_by, updated_at = now()
       RETURNING ${PLAN_COLUMNS}`,
      [
        p.code,
        p.name,
        p.monthlyPriceKopecks.toString(),
        p.monthlyImages,
        p.maxImagesPerRequest,
        p.autoPromptEnhance,
        p.autoBestSelection,
        p.brandProfileLimit,
        p.loraLimit,
        p.priority,
        p.active,
        p.sortOrder,
        adminId,
      ],
    )) as PlanRow[];
    return planFromRow(rows[0]);
  }

  /** Applies the env's Free-plan numbers while no admin has edited the Free plan. */
  async tuneUneditedFree(m: EntityManager, monthlyImages: number, maxImagesPerRequest: number): Promise<boolean> {
    const rows = (await m.query(
      `UPDATE billing.plans SET monthly_images = $1, max_images_per_request = $2, updated_at = now()
        WHERE code = 'free' AND edited_by IS NULL
          AND (monthly_images <> $1 OR max_images_per_request <> $2)`,
      [monthlyImages, maxImagesPerRequest],
    )) as [unknown[], number];
    return rows[1] > 0;
  }
}
