import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The studio's likes and dislikes of generated images (feedback.submitted), with the prompts they were made from:
 * a weak content signal for recommendations. One verdict per user and image, the latest wins, as in the gateway.
 */
export class StudioFeedback1763800000000 implements MigrationInterface {
  name = 'StudioFeedback1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE recommender.studio_feedback (
        user_id uuid NOT NULL,
        generation_id uuid NOT NULL,
        image_index integer NOT NULL,
        feedback_id uuid NOT NULL,
        verdict text NOT NULL CHECK (verdict IN ('like', 'dislike')),
        original_prompt text NOT NULL,
        enhanced_prompt text NOT NULL,
        -- When the gateway recorded this verdict: an older event never overwrites a newer one.
        occurred_at timestamptz NOT NULL,
        event_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, generation_id, image_index)
      )`);
    await q.query('CREATE INDEX studio_feedback_user_idx ON recommender.studio_feedback (user_id, occurred_at DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE recommender.studio_feedback');
  }
}
