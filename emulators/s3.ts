import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';

/**
 * A tiny S3-compatible server for tests, path-style on 127.0.0.1 (ephemeral port): PUT/GET/HEAD/DELETE
 * object, If-None-Match: * and If-Match on PUT and DELETE, multipart upload (create, upload part,
 * complete, abort) and ListObjectsV2 with prefix/delimiter/paging. Any bucket name exists.
 *
 * Streamed bodies sent with aws-chunked framing are refused (400) rather than stored with their frames as
 * data: the project's S3 client computes checksums only where required on an overridden endpoint
 * (`createS3Client`), and sends whole buffers, so it never streams that way.
 */
export type StoredS3Object = { body: Buffer; etag: string; contentType: string | undefined };

export type S3Request = { method: string; bucket: string; key: string; query: Record<string, string> };

export type LocalS3 = {
  endpoint: string;
  /** Objects by `bucket/key`. */
  objects: Map<string, StoredS3Object>;
  /** Every request received, in order. */
  requests: S3Request[];
  /** Answer matching requests with an error status instead (fault injection); return undefined to pass. */
  failWhen(rule: ((request: S3Request) => number | undefined) | undefined): void;
  close(): Promise<void>;
};

type Upload = { bucket: string; key: string; contentType: string | undefined; parts: Map<number, Buffer> };

function md5(body: Buffer): string {
  return createHash('md5').update(body).digest('hex');
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sendXml(response: ServerResponse, status: number, xml: string, headers: Record<string, string> = {}): void {
  const body = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
  response.writeHead(status, { 'content-type': 'application/xml', 'content-length': String(body.length), ...headers });
  response.end(body);
}

function sendError(response: ServerResponse, status: number, code: string, message: string, head = false): void {
  if (head) {
    response.writeHead(status);
    response.end();
    return;
  }
  sendXml(response, status, `<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>`);
}

export async function startLocalS3(): Promise<LocalS3> {
  const objects = new Map<string, StoredS3Object>();
  const uploads = new Map<string, Upload>();
  const requests: S3Request[] = [];
  let rule: ((request: S3Request) => number | undefined) | undefined;

  function preconditionFails(request: IncomingMessage, existing: StoredS3Object | undefined): [number, string] | undefined {
    const ifNoneMatch = request.headers['if-none-match'];
    const ifMatch = request.headers['if-match'];
    if (ifNoneMatch === '*' && existing) return [412, 'PreconditionFailed'];
    if (typeof ifMatch === 'string') {
      if (!existing) return [404, 'NoSuchKey'];
      if (ifMatch !== existing.etag && ifMatch !== '*') return [412, 'PreconditionFailed'];
    }
    return undefined;
  }

  function listObjects(bucket: string, query: Record<string, string>, response: ServerResponse): void {
    const prefix = query.prefix ?? '';
    const delimiter = query.delimiter ?? '';
    const maxKeys = Number(query['max-keys'] ?? 1000);
    const after = query['continuation-token'] ? Buffer.from(query['continuation-token'], 'base64url').toString('utf8') : '';
    const entries: Array<{ key: string; folder: boolean }> = [];
    const folders = new Set<string>();
    const keys = [...objects.keys()].filter((id) => id.startsWith(`${bucket}/`)).map((id) => id.slice(bucket.length + 1)).sort();
    for (const key of keys) {
      if (!key.startsWith(prefix)) continue;
      const rest = key.slice(prefix.length);
      const cut = delimiter ? rest.indexOf(delimiter) : -1;
      if (cut === -1) entries.push({ key, folder: false });
      else {
        const folder = prefix + rest.slice(0, cut + delimiter.length);
        if (!folders.has(folder)) {
          folders.add(folder);
          entries.push({ key: folder, folder: true });
        }
      }
    }
    const remaining = entries.filter((entry) => entry.key > after);
    const page = remaining.slice(0, maxKeys);
    const truncated = remaining.length > page.length;
    const contents = page.filter((e) => !e.folder).map((e) => {
      const object = objects.get(`${bucket}/${e.key}`)!;
      return `<Contents><Key>${xmlEscape(e.key)}</Key><ETag>${xmlEscape(object.etag)}</ETag><Size>${object.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
    }).join('');
    const common = page.filter((e) => e.folder).map((e) => `<CommonPrefixes><Prefix>${xmlEscape(e.key)}</Prefix></CommonPrefixes>`).join('');
    const next = truncated ? `<NextContinuationToken>${Buffer.from(page.at(-1)!.key).toString('base64url')}</NextContinuationToken>` : '';
    sendXml(response, 200, `<ListBucketResult><Name>${xmlEscape(bucket)}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${contents}${common}${next}</ListBucketResult>`);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const [bucketPart = '', ...keyParts] = url.pathname.slice(1).split('/');
    const bucket = decodeURIComponent(bucketPart);
    const key = keyParts.map(decodeURIComponent).join('/');
    const query = Object.fromEntries(url.searchParams);
    const method = request.method ?? 'GET';
    const id = `${bucket}/${key}`;
    const entry: S3Request = { method, bucket, key, query };
    requests.push(entry);
    const head = method === 'HEAD';

    const injected = rule?.(entry);
    if (injected) {
      await readBody(request);
      sendError(response, injected, injected >= 500 ? 'InternalError' : 'InjectedFault', 'Injected by the test.', head);
      return;
    }
    if (request.headers['content-encoding']?.includes('aws-chunked') || String(request.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-')) {
      sendError(response, 400, 'NotImplemented', 'aws-chunked bodies are not supported: set requestChecksumCalculation WHEN_REQUIRED.');
      return;
    }

    if (key === '' && method === 'GET' && query['list-type'] === '2') return listObjects(bucket, query, response);
    if (key === '') return sendError(response, 400, 'NotImplemented', 'Bucket operations other than ListObjectsV2 are not supported.');

    if (method === 'POST' && 'uploads' in query) {
      const uploadId = randomUUID();
      uploads.set(uploadId, { bucket, key, contentType: request.headers['content-type'], parts: new Map() });
      await readBody(request);
      return sendXml(response, 200, `<InitiateMultipartUploadResult><Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`);
    }
    if (query.uploadId !== undefined) {
      const upload = uploads.get(query.uploadId);
      if (!upload) return sendError(response, 404, 'NoSuchUpload', 'The upload does not exist.');
      if (method === 'PUT') {
        const body = await readBody(request);
        upload.parts.set(Number(query.partNumber), body);
        response.writeHead(200, { etag: `"${md5(body)}"` });
        response.end();
        return;
      }
      if (method === 'POST') {
        const xml = (await readBody(request)).toString('utf8');
        const numbers = [...xml.matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => Number(m[1]));
        const parts = numbers.map((n) => upload.parts.get(n));
        if (parts.some((part) => part === undefined)) return sendError(response, 400, 'InvalidPart', 'A listed part was not uploaded.');
        const failure = preconditionFails(request, objects.get(id));
        if (failure) return sendError(response, failure[0], failure[1], 'The condition did not hold.');
        const body = Buffer.concat(parts as Buffer[]);
        const etag = `"${md5(body)}-${parts.length}"`;
        objects.set(id, { body, etag, contentType: upload.contentType });
        uploads.delete(query.uploadId);
        return sendXml(response, 200, `<CompleteMultipartUploadResult><Location>http://localhost/${xmlEscape(id)}</Location><Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key><ETag>${xmlEscape(etag)}</ETag></CompleteMultipartUploadResult>`);
      }
      if (method === 'DELETE') {
        uploads.delete(query.uploadId);
        response.writeHead(204);
        response.end();
        return;
      }
    }

    const existing = objects.get(id);
    if (method === 'PUT') {
      const body = await readBody(request);
      const failure = preconditionFails(request, existing);
      if (failure) return sendError(response, failure[0], failure[1], 'The condition did not hold.');
      const etag = `"${md5(body)}"`;
      objects.set(id, { body, etag, contentType: request.headers['content-type'] });
      response.writeHead(200, { etag });
      response.end();
      return;
    }
    if (method === 'GET' || head) {
      if (!existing) return sendError(response, 404, 'NoSuchKey', 'The specified key does not exist.', head);
      response.writeHead(200, {
        etag: existing.etag,
        'content-length': String(existing.body.length),
        'content-type': existing.contentType ?? 'application/octet-stream',
        'last-modified': new Date().toUTCString(),
      });
      response.end(head ? undefined : existing.body);
      return;
    }
    if (method === 'DELETE') {
      await readBody(request);
      const failure = preconditionFails(request, existing);
      if (failure && existing) return sendError(response, failure[0], failure[1], 'The condition did not hold.');
      objects.delete(id);
      response.writeHead(204);
      response.end();
      return;
    }
    sendError(response, 405, 'MethodNotAllowed', `${method} is not supported.`);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendError(response, 500, 'InternalError', String(error));
      else response.destroy();
    });
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    objects,
    requests,
    failWhen(next) { rule = next; },
    close: () => new Promise<void>((closed) => {
      server.closeAllConnections();
      server.close(() => closed());
    }),
  };
}

/** A real SDK client for the local server: path-style, dummy credentials, no streaming checksums. */
export function localS3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint, region: 'eu-central-1', forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
