import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { DEFAULT_PORTS } from './ports.ts';

/** The origin examples/ pages post leads to, as written on disk. */
const DEFAULT_LEADS_ORIGIN = `http://127.0.0.1:${DEFAULT_PORTS.offline}`;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * Serves a folder read-only on loopback. HTML pages are written for the default stack: when offline
 * runs on another port, `http://127.0.0.1:3000` in them is replaced by the running stack's origin.
 */
export async function startExamplesServer(options: { root: string; port: number; leadsOrigin: string }): Promise<Server> {
  const root = resolve(options.root);
  const server = createServer((request, response) => {
    const send = (status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, 'text/plain; charset=utf-8', 'Method not allowed\n', { allow: 'GET, HEAD' });
    const { pathname } = new URL(request.url ?? '/', 'http://examples');
    if (pathname === '/') return send(302, 'text/plain; charset=utf-8', '', { location: '/lead-form.html' });
    let file: string;
    try {
      file = resolve(root, `.${decodeURIComponent(pathname)}`);
    } catch {
      return send(400, 'text/plain; charset=utf-8', 'Bad path\n');
    }
    const type = CONTENT_TYPES[extname(file)];
    if (!file.startsWith(root + sep) || !type) return send(404, 'text/plain; charset=utf-8', 'Not found\n');
    readFile(file).then(
      (bytes) => {
        const body = type.startsWith('text/html') && options.leadsOrigin !== DEFAULT_LEADS_ORIGIN
          ? bytes.toString('utf8').replaceAll(DEFAULT_LEADS_ORIGIN, options.leadsOrigin)
          : bytes;
        send(200, type, body);
      },
      () => send(404, 'text/plain; charset=utf-8', 'Not found\n'),
    );
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', fail);
      done();
    });
  });
  return server;
}

/** Stops the server at once: open keep-alive connections (a browser's) would otherwise hold it up. */
export function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((done) => server.close(() => done()));
}
