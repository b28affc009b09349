// Serves the Lambda-style API handler over plain HTTP: each request becomes the same API Gateway
// v2 event Lambda would receive, so the local runtime runs exactly the code deployed on AWS.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type ApiEvent, type ApiHandler, apiRoutes } from '@plantwatch/functions/platform/http/index';
import { recordRequest, routeTemplateMatcher } from '@plantwatch/functions/platform/http/request-metrics';
import type { Metrics } from '@plantwatch/functions/platform/metrics';
import { z } from 'zod';

const MAX_BODY_BYTES = 1024 * 1024;

class BodyTooLargeError extends Error {}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function toApiEvent(request: IncomingMessage, body: string): ApiEvent {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const now = new Date();
  const method = request.method ?? 'GET';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? 'unknown',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body ? { body } : {}),
    isBase64Encoded: false,
  };
}

function send(
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string | Buffer,
): void {
  response.writeHead(status, headers);
  response.end(body);
}

/**
 * Writes a streamed body chunk by chunk, waiting for the client to drain. When the client goes away the
 * stream is told at once (its iterator's return()), so a live stream waiting for a change lets go of
 * its subscription then, not at its next event.
 */
async function sendStream(
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  chunks: AsyncIterable<string>,
): Promise<void> {
  response.writeHead(status, headers);
  // Each event goes out as it is written (server-sent events), not held back to fill a packet.
  response.socket?.setNoDelay(true);
  const iterator = chunks[Symbol.asyncIterator]();
  const stop = () => void iterator.return?.();
  response.once('close', stop);
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done || response.destroyed) break;
      if (!response.write(next.value)) {
        await Promise.race([once(response, 'drain'), once(response, 'close')]);
      }
    }
    if (!response.destroyed) response.end();
  } catch (error) {
    // Headers are gone already: all that is left is to cut the response short, which the client sees.
    response.destroy(error as Error);
  } finally {
    response.off('close', stop);
    if (response.destroyed) stop();
  }
}

/** Route templates (`/v1/sites/{siteId}`), so request metrics have a label per route, not per id. */
export const routeTemplateOf = routeTemplateMatcher(apiRoutes);

/** Serves the handler on a server that may already listen (the runtime binds first, then composes). */
export function serveApi(
  server: Server,
  handler: ApiHandler,
  extras: {
    metrics?: { scrape(): Promise<{ contentType: string; body: string }> };
    /** POST /admin/backup {to, passphrase} with `Authorization: Bearer <DATA_DIR/admin-token>`. */
    admin?: { token: string; backup(to: string, passphrase: string): Promise<void> };
    /**
     * GET /livez (the process answers: 200 always) and GET /readyz (200 unless a required component
     * of /v1/health is down, then 503): the probes a container orchestrator restarts and routes by.
     */
    readiness?: () => Promise<{ status: string; down: string[] }>;
    /** Counts every API request (http_requests) and times it (http_request_seconds). */
    requests?: Metrics;
  } = {},
): void {
  server.on('request', async (request: IncomingMessage, response: ServerResponse) => {
    if (
      extras.readiness &&
      request.method === 'GET' &&
      (request.url === '/livez' || request.url === '/readyz')
    ) {
      const json = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
      if (request.url === '/livez') {
        send(response, 200, json, JSON.stringify({ status: 'ok' }));
        return;
      }
      const ready = await extras.readiness();
      send(response, ready.status === 'down' ? 503 : 200, json, JSON.stringify(ready));
      return;
    }
    if (extras.admin && request.url === '/admin/backup') {
      await adminBackup(request, response, extras.admin);
      return;
    }
    // Prometheus text beside the API (not under /v1: it is the operator's, not a tenant's).
    if (extras.metrics && request.method === 'GET' && request.url === '/metrics') {
      const { contentType, body } = await extras.metrics.scrape();
      send(response, 200, { 'content-type': contentType, 'cache-control': 'no-store' }, body);
      return;
    }
    let body: string;
    try {
      body = await readBody(request);
    } catch (error) {
      const tooLarge = error instanceof BodyTooLargeError;
      send(
        response,
        tooLarge ? 413 : 400,
        { 'content-type': 'application/json; charset=utf-8', connection: 'close' },
        JSON.stringify({
          error: tooLarge
            ? { code: 'payload_too_large', message: `the request body is over ${MAX_BODY_BYTES} bytes` }
            : { code: 'invalid_request', message: 'the request body could not be read' },
        }),
      );
      return;
    }
    const started = performance.now();
    const event = toApiEvent(request, body);
    const result = await handler(event);
    if (extras.requests) {
      recordRequest(extras.requests, routeTemplateOf, {
        method: event.requestContext.http.method,
        path: event.rawPath,
        status: result.statusCode,
        seconds: (performance.now() - started) / 1000,
      });
    }
    if (result.bodyStream) {
      await sendStream(response, result.statusCode, result.headers, result.bodyStream);
      return;
    }
    const text = typeof result.body === 'string' ? result.body : '';
    // A file's bytes (a report download) travel base64-encoded in the Lambda-shaped result.
    send(
      response,
      result.statusCode,
      result.headers,
      result.isBase64Encoded ? Buffer.from(text, 'base64') : text,
    );
  });
}

export function createApiServer(handler: ApiHandler): Server {
  const server = createServer();
  serveApi(server, handler);
  return server;
}

const adminBackupSchema = z.object({ to: z.string().min(1), passphrase: z.string().min(12) });

/**
 * The backup command's way into a running runtime (only the runtime can copy its embedded stores
 * consistently): a token only the owner of DATA_DIR can read, and only from this machine.
 */
async function adminBackup(
  request: IncomingMessage,
  response: ServerResponse,
  admin: { token: string; backup(to: string, passphrase: string): Promise<void> },
): Promise<void> {
  const json = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
  const presented = request.headers.authorization?.replace(/^Bearer\s+/i, '') ?? '';
  const expected = Buffer.from(admin.token);
  const loopback = ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(request.socket.remoteAddress ?? '');
  if (
    request.method !== 'POST' ||
    !loopback ||
    presented.length !== admin.token.length ||
    !timingSafeEqual(Buffer.from(presented), expected)
  ) {
    send(response, 403, json, JSON.stringify({ error: { code: 'forbidden', message: 'not allowed' } }));
    return;
  }
  let body: z.infer<typeof adminBackupSchema>;
  try {
    body = adminBackupSchema.parse(JSON.parse(await readBody(request)));
  } catch {
    send(
      response,
      400,
      json,
      JSON.stringify({ error: { code: 'invalid_request', message: 'send {to, passphrase}' } }),
    );
    return;
  }
  try {
    await admin.backup(body.to, body.passphrase);
    send(response, 200, json, JSON.stringify({ written: body.to }));
  } catch (error) {
    send(
      response,
      500,
      json,
      JSON.stringify({ error: { code: 'backup_failed', message: (error as Error).message } }),
    );
  }
}
