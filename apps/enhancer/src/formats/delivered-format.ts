import { chooseFormat } from '@atelier/creative';
import type { Detection } from '../prompt-rules';

/**
 * The detection with the size the generator will deliver: the platform's format preset (or the variant the request
 * names: "квадрат", "4:5", "реклама" for a 1200×628 ad banner), or the user's own size. The composer's composition
 * words come from this aspect ratio, so "vertical 9:16" always describes the delivered image.
 */
export function withDeliveredFormat(
  detection: Detection,
  text: string,
  size?: { width: number; height: number },
): Detection {
  const format = chooseFormat(detection.platform, text, size);
  return { ...detection, width: format.width, height: format.height, aspectRatio: format.aspectRatio };
}
