import { InitGenerator1763712000000 } from './1763712000000-init-generator';
import { ImageProvenance1763760000000 } from './1763760000000-image-provenance';
import { ImageSafety1763760000001 } from './1763760000001-image-safety';
import { ClosedGenerations1764100000021 } from './1764100000021-closed-generations';
import { OutboxTraceContext1796690928181 } from './1796690928181-outbox-trace-context';

/** Every migration of the generator schema, in order. */
export const GENERATOR_MIGRATIONS = [
  InitGenerator1763712000000,
  ImageProvenance1763760000000,
  ImageSafety1763760000001,
  ClosedGenerations1764100000021,
  OutboxTraceContext1796690928181,
];
