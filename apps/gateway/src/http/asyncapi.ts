import type { INestApplication } from '@nestjs/common';
import type { Request, Response } from 'express';
import { asyncApiDocument } from '@atelier/messaging';

/**
 * The mesh's event catalogue for internal consumers, next to the OpenAPI document: /docs/asyncapi.json (AsyncAPI 3,
 * generated from libs/contracts and the topology at start-up). Same environments as /docs.
 */
export function setupAsyncApi(app: INestApplication, namespace: string): void {
  const body = JSON.stringify(asyncApiDocument(namespace));
  app
    .getHttpAdapter()
    .get('/docs/asyncapi.json', (_req: Request, res: Response) => res.type('application/json').send(body));
}
