import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fault } from './faults.ts';
import { CONTENT_TYPE, MAINTENANCE_PAGE, PHP_WARNING, send, statusPage } from './wire.ts';

/**
 * Writes the answer a fault calls for, or the normal one (no fault, latency). `body` gives the normal
 * answer's chunks. Returns the HTTP status sent; 0 when the socket was dropped without an answer.
 */
export function writeAnswer(request: IncomingMessage, response: ServerResponse, fault: Fault | undefined, body: () => Buffer[]): number {
  switch (fault?.kind) {
    case 'drop':
      request.socket.destroy();
      return 0;
    case 'status': {
      const status = fault.status ?? 503;
      send(response, status, 'text/html', [Buffer.from(statusPage(status))]);
      return status;
    }
    case 'html':
      send(response, 200, CONTENT_TYPE, [Buffer.from(MAINTENANCE_PAGE)]);
      return 200;
    case 'empty':
      send(response, 200, CONTENT_TYPE, []);
      return 200;
    case 'truncate': {
      const whole = Buffer.concat(body());
      // Half the bytes: never valid JSON, since the closing brace is the last byte.
      send(response, 200, CONTENT_TYPE, [whole.subarray(0, Math.max(1, Math.floor(whole.length / 2)))]);
      return 200;
    }
    case 'error':
      // An error inside HTTP 200, as the vendor's PHP service reports everything.
      send(response, 200, CONTENT_TYPE, [Buffer.from(`\uFEFF${JSON.stringify({ error: fault.text ?? '', data: null })}`)]);
      return 200;
    case 'empty-list':
      send(response, 200, CONTENT_TYPE, [Buffer.from('\uFEFF{"error":"","data":[]}')]);
      return 200;
    case 'null-list':
      send(response, 200, CONTENT_TYPE, [Buffer.from('\uFEFF{"error":"","data":null}')]);
      return 200;
    case 'php-warning':
      send(response, 200, CONTENT_TYPE, [Buffer.from(PHP_WARNING), ...body()]);
      return 200;
    case 'latency':
    case undefined:
      send(response, 200, CONTENT_TYPE, body());
      return 200;
  }
}
