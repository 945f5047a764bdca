import { SetMetadata } from '@nestjs/common';

/** Metadata key a service's global authentication guard checks to let a route through without a caller. */
export const PUBLIC_ROUTE = 'atelier:public';

/** Marks a route or controller as open to anonymous callers (health probes, metrics scraping, login). */
export const PublicRoute = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);
