import { resolve } from 'node:path';
import { buildAssets } from '../apps/gateway/src/web/asset-manifest';

// After tsc (which copies no assets): the gateway's stylesheets and scripts under content-hashed names in dist/.
const written = buildAssets(resolve(__dirname, '../../apps/gateway/src/web/public'));
console.log(`assets: ${written.join(', ')}`);
