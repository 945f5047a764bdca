import { InitRecommender1763712000000 } from './1763712000000-init-recommender';
import { CatalogInteractions1763780000000 } from './1763780000000-catalog-interactions';
import { PhotosStyleProfiles1763790000000 } from './1763790000000-photos-style-profiles';
import { StudioFeedback1763800000000 } from './1763800000000-studio-feedback';
import { ItemTowerFeatures1763810000000 } from './1763810000000-item-tower-features';
import { ItemVectors1763820000000 } from './1763820000000-item-vectors';
import { ItemOwners1763830000000 } from './1763830000000-item-owners';
import { ShopCatalogue1764001700017 } from './1764001700017-shop-catalogue';
import { DatingProfiles1796690262669 } from './1796690262669-dating-profiles';
import { OutboxTraceContext1796690928183 } from './1796690928183-outbox-trace-context';

/** Every migration of the recommender schema, in order. */
export const RECOMMENDER_MIGRATIONS = [
  InitRecommender1763712000000,
  CatalogInteractions1763780000000,
  PhotosStyleProfiles1763790000000,
  StudioFeedback1763800000000,
  ItemTowerFeatures1763810000000,
  ItemVectors1763820000000,
  ItemOwners1763830000000,
  ShopCatalogue1764001700017,
  DatingProfiles1796690262669,
  OutboxTraceContext1796690928183,
];
