import type { Goal, Platform } from './platform-goal-detector';

/**
 * A request labelled by hand with the platform and goal a person would pick for it.
 *
 * Labelling guideline (the detector implements it; the labels were written from it, not from the detector):
 *
 * Platform — the format the image must have:
 * - instagram_story: stories, reels, TikTok / Shorts covers, any vertical 9:16 short format on any network.
 * - marketplace_card: a product card, its slides or main photo, marketplace infographics
 *   ("карточка", "инфографика", "главное фото" for Wildberries / Ozon / Yandex Market, or a marketplace named
 *   with no other format word).
 * - website_hero: the first screen of a website or landing page (hero, "первый экран", "шапка сайта",
 *   "главная страница", a picture "для сайта"/landing without the word banner).
 * - banner: a web or ad banner ("баннер", "banner", leaderboard, РСЯ), wide.
 * - poster: print — poster, "афиша", "плакат", flyer, "листовка", A-formats, "для печати".
 * - instagram_post / vk_post / telegram_post: the network is named and no format word above is.
 * - generic: no platform named (a bare "пост" names none).
 * Several formats: story > marketplace card > hero > banner > poster; a format beats a network name;
 * several networks: Instagram > VK > Telegram.
 *
 * Goal — what the image is for:
 * - hiring: vacancies, "ищем … в команду", "требуются", hiring.
 * - promotion: discounts, %, sale, promo codes, "1+1", free delivery, gifts with purchase, giveaways/contests.
 * - announcement: something new or happening — launch, opening, new collection/menu/product, event
 *   (concert, webinar, master class, tasting, party, exhibition), an invitation with a date.
 * - seasonal: a season or holiday theme with none of the above (autumn, New Year, 8 March, Halloween …).
 * - product_shot: presenting a product — product photo, packshot, white background, catalogue, flat lay,
 *   menu dish photo; a marketplace card with no other goal.
 * - branding: brand image — "имиджевый", about us, team, values, atmosphere, logo / corporate style, lifestyle.
 * - generic: none of these.
 * Several goals: hiring > promotion > announcement > seasonal > product_shot > branding.
 */
export interface LabelledDetection {
  text: string;
  platform: Platform;
  goal: Goal;
}

export const labelled = (text: string, platform: Platform, goal: Goal): LabelledDetection => ({
  text,
  platform,
  goal,
});
