import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeS3Server {
  url: string;
  /** bucket → key → bytes */
  objects: Map<string, Map<string, Buffer>>;
  requests: Array<{ method: string; path: string; status: number }>;
  close(): Promise<void>;
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

function xmlError(res: ServerResponse, status: number, code: string, message: string): number {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
  return status;
}

/** Recomputes the AWS Signature V4 of a header-signed request; true when it matches the Authorization header. */
function signatureValid(req: IncomingMessage, body: Buffer, secret: string): boolean {
  const auth =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/([^/]+)\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/.exec(
      String(req.headers.authorization ?? ''),
    );
  if (!auth) return false;
  const [, , date, region, signedHeaders, signature] = auth;
  const url = new URL(req.url ?? '/', 'http://x');
  const query = [...url.searchParams.entries()]
    .map(([k, v]) => [encodeURIComponent(k), encodeURIComponent(v)])
    .sort(([a, av], [b, bv]) => (a === b ? av.localeCompare(bv) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const headers = signedHeaders
    .split(';')
    .map(
      (h) =>
        `${h}:${String(req.headers[h] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const payloadHash = String(req.headers['x-amz-content-sha256'] ?? '');
  if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== sha256(body)) return false;
  const canonical = [req.method, url.pathname, query, headers, signedHeaders, payloadHash].join('\n');
  const scope = `${date}/${region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', String(req.headers['x-amz-date']), scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), 's3'), 'aws4_request');
  return hmac(key, toSign).toString('hex') === signature;
}

/**
 * A small S3-speaking server (path-style PUT/GET/HEAD object) that checks SigV4 signatures and Content-MD5
 * like the real thing, for contract tests of the S3 adapter without MinIO.
 */
export async function startFakeS3Server(opts: {
  buckets: string[];
  accessKeyId: string;
  secretAccessKey: string;
}): Promise<FakeS3Server> {
  const objects = new Map(opts.buckets.map((b) => [b, new Map<string, Buffer>()]));
  const requests: FakeS3Server['requests'] = [];
  const handle = (req: IncomingMessage, body: Buffer, res: ServerResponse): number => {
    const credential = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
    if (credential !== opts.accessKeyId) return xmlError(res, 403, 'InvalidAccessKeyId', 'unknown access key');
    if (!signatureValid(req, body, opts.secretAccessKey)) {
      return xmlError(res, 403, 'SignatureDoesNotMatch', 'signature does not match');
    }
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const [, bucket, ...rest] = path.split('/');
    const key = rest.join('/');
    const store = objects.get(bucket);
    if (!store) return xmlError(res, 404, 'NoSuchBucket', 'no such bucket');
    if (req.method === 'PUT') {
      const md5 = req.headers['content-md5'];
      if (md5 !== undefined && md5 !== createHash('md5').update(body).digest('base64')) {
        return xmlError(res, 400, 'BadDigest', 'Content-MD5 does not match');
      }
      store.set(key, body);
      res.writeHead(200, { etag: `"${createHash('md5').update(body).digest('hex')}"` });
      res.end();
      return 200;
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      const bytes = store.get(key);
      if (!bytes) return xmlError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': bytes.length,
        etag: `"${createHash('md5').update(bytes).digest('hex')}"`,
      });
      res.end(req.method === 'GET' ? bytes : undefined);
      return 200;
    }
    return xmlError(res, 405, 'MethodNotAllowed', 'not supported by the fake');
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = handle(req, Buffer.concat(chunks), res);
      requests.push({ method: req.method ?? '', path: req.url ?? '', status });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    objects,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
