import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * HTTP API (payload format 2.0) events as API Gateway hands them to Lambda, for tests and benchmarks
 * that call the HTTP functions in-process: the request a browser or sender makes, turned into the event.
 */

export type HttpEventOptions = {
  method: string;
  path: string;
  /** Default `<METHOD> <path>`; pass the route template (`POST /leads/{form}`) with pathParameters. */
  routeKey?: string;
  pathParameters?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Default: what HTTP APIs do — JSON and text/* arrive as text, everything else (forms, multipart) base64. */
  base64?: boolean;
  query?: Record<string, string | string[]>;
  sourceIp?: string;
  /** The request time; default 2026-03-13T09:15:00Z, so events are reproducible. */
  time?: Date;
  requestId?: string;
};

/** The API's default execute-api host name, as in `requestContext.domainName`. */
export const HTTP_API_DOMAIN = 'abc123defg.execute-api.eu-central-1.amazonaws.com';
const DEFAULT_TIME = new Date('2026-03-13T09:15:00.000Z');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An HTTP API (payload format 2.0) event exactly as API Gateway hands it to Lambda. */
export function httpEvent(options: HttpEventOptions): APIGatewayProxyEventV2 {
  const method = options.method.toUpperCase();
  const time = options.time ?? DEFAULT_TIME;
  const body = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body, 'utf8');

  // v2 lower-cases header names, joins repeats with commas and moves cookies out of the headers.
  const headers: Record<string, string> = {
    accept: '*/*',
    'content-length': String(body?.length ?? 0),
    host: HTTP_API_DOMAIN,
    'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36',
    'x-amzn-trace-id': 'Root=1-69b3d4d4-0123456789abcdef01234567',
    'x-forwarded-for': options.sourceIp ?? '203.0.113.7',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
  };
  if (body === undefined) delete headers['content-length'];
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower === 'cookie') cookies = value.split(/;\s*/).filter(Boolean);
    else headers[lower] = value;
  }

  const contentType = headers['content-type'] ?? '';
  const base64 = options.base64 ?? (body !== undefined && !/^(application\/(.+\+)?json|text\/)/i.test(contentType));
  const rawQueryString = queryString(options.query ?? {});
  const routeKey = options.routeKey ?? `${method} ${options.path}`;
  const requestId = options.requestId ?? 'Zk1pQjL2FiAEMbw=';

  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey,
    rawPath: options.path,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(rawQueryString ? { queryStringParameters: queryParameters(options.query ?? {}) } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: HTTP_API_DOMAIN.split('.')[0] as string,
      domainName: HTTP_API_DOMAIN,
      domainPrefix: HTTP_API_DOMAIN.split('.')[0] as string,
      http: {
        method,
        path: options.path,
        protocol: 'HTTP/1.1',
        sourceIp: options.sourceIp ?? '203.0.113.7',
        userAgent: headers['user-agent'] as string,
      },
      requestId,
      routeKey,
      stage: '$default',
      time: accessLogTime(time),
      timeEpoch: time.getTime(),
    },
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    isBase64Encoded: base64,
  };
  if (body !== undefined) event.body = base64 ? body.toString('base64') : body.toString('utf8');
  return event;
}

/** A browser's HTML form post (urlencoded, UTF-8), base64-encoded as HTTP APIs deliver it. */
export function formPost(path: string, fields: Record<string, string | string[]>, extra: Partial<HttpEventOptions> = {}): APIGatewayProxyEventV2 {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
  return httpEvent({
    method: 'POST',
    path,
    ...extra,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      origin: 'https://www.example.pl',
      ...extra.headers,
    },
    body: params.toString(),
  });
}

/** A JSON post, as `fetch(url, { body: JSON.stringify(...) })` sends it. */
export function jsonPost(path: string, data: unknown, extra: Partial<HttpEventOptions> = {}): APIGatewayProxyEventV2 {
  return httpEvent({
    method: 'POST',
    path,
    ...extra,
    headers: { 'content-type': 'application/json', accept: 'application/json', origin: 'https://www.example.pl', ...extra.headers },
    body: JSON.stringify(data),
  });
}

/** A multipart/form-data body as a browser builds it for `new FormData(form)`. */
export function multipartBody(fields: Array<[string, string] | [string, { filename: string; type: string; content: string }]>, boundary = '----WebKitFormBoundary7MA4YWxkTrZu0gW'): { body: Buffer; contentType: string } {
  const parts: string[] = [];
  for (const [name, value] of fields) {
    if (typeof value === 'string') {
      parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
    } else {
      parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${value.filename}"\r\nContent-Type: ${value.type}\r\n\r\n${value.content}\r\n`);
    }
  }
  parts.push(`--${boundary}--\r\n`);
  return { body: Buffer.from(parts.join(''), 'utf8'), contentType: `multipart/form-data; boundary=${boundary}` };
}

function queryString(query: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
  return params.toString();
}

/** v2 joins repeated query parameters with commas. */
function queryParameters(query: Record<string, string | string[]>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : value]));
}

/** `13/Mar/2026:09:15:00 +0000`, the CLF time API Gateway puts in requestContext.time. */
function accessLogTime(time: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(time.getUTCDate())}/${MONTHS[time.getUTCMonth()]}/${time.getUTCFullYear()}:${pad(time.getUTCHours())}:${pad(time.getUTCMinutes())}:${pad(time.getUTCSeconds())} +0000`;
}
