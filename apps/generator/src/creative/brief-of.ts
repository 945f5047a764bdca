import type { BriefText } from '@atelier/creative';
import type { CreativeBrief } from '../backends/image-backend';

/** The event's creative brief as the text layer's fields (title is the headline). */
export function briefOf(c: CreativeBrief): BriefText {
  return {
    headline: c.title,
    subline: c.subline ?? '',
    price: c.price,
    oldPrice: c.oldPrice ?? '',
    discount: c.discount,
    promoCode: c.promoCode ?? '',
    deadline: c.deadline ?? '',
    cta: c.cta ?? '',
  };
}
