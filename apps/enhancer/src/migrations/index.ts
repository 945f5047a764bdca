import { InitEnhancer1763712000000 } from './1763712000000-init-enhancer';
import { BrandProfilesPolicy1763750000000 } from './1763750000000-brand-profiles-policy';
import { DetectionConfidence1763750000001 } from './1763750000001-detection-confidence';
import { BrandKitFontsLogo1765141200014 } from './1765141200014-brand-kit-fonts-logo';
import { OutboxTraceContext1796690928180 } from './1796690928180-outbox-trace-context';

/** Every migration of the enhancer schema, in order. */
export const ENHANCER_MIGRATIONS = [
  InitEnhancer1763712000000,
  BrandProfilesPolicy1763750000000,
  DetectionConfidence1763750000001,
  BrandKitFontsLogo1765141200014,
  OutboxTraceContext1796690928180,
];
