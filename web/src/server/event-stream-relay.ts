import 'server-only';
// Relays one of the API's server-sent event streams to the browser (ADR 0028): the session's API token
// stays here (ADR 0017); the bytes pass through as they come. When the browser goes away the request's
// signal aborts the API call, so the API lets go of its stream at once. Nothing may buffer on the way:
// `no-transform` keeps Next's compression out (a gzip window would hold events back).
import type { NextRequest } from 'next/server';
import { forwardedHeaders } from './api.ts';
import { readAuthToken } from './auth.ts';
import { serverConfig } from './config.ts';

const refusal = (status: number, code: string, message: string) =>
  Response.json({ error: { code, message } }, { status, headers: { 'cache-control': 'no-store' } });

export async function relayEventStream(request: NextRequest, apiPath: string): Promise<Response> {
  const claims = await readAuthToken();
  if (!claims) return refusal(401, 'unauthenticated', 'log in first');
  let upstream: Response;
  try {
    upstream = await fetch(`${serverConfig().apiUrl}${apiPath}`, {
      headers: {
        ...(await forwardedHeaders()),
        accept: 'text/event-stream',
        authorization: `Bearer ${claims.apiToken}`,
      },
      cache: 'no-store',
      signal: request.signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') return new Response(null, { status: 499 });
    return refusal(503, 'api_unavailable', 'the Plantwatch API is not answering');
  }
  const type = upstream.headers.get('content-type') ?? '';
  if (!upstream.ok || !upstream.body || !type.startsWith('text/event-stream')) {
    // The API's error envelope, as it came (404 for a site the user cannot see, 401 when signed out).
    const text = await upstream.text().catch(() => '');
    return new Response(text, {
      status: upstream.ok ? 502 : upstream.status,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    });
  }
  return new Response(upstream.body, {
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    },
  });
}
