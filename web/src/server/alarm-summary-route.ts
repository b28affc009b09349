import 'server-only';
// GET /api/alarms/summary and /api/alarms/summary/stream: what the alarm bar on every page annunciates,
// from the API with the session's token (which never reaches the browser, ADR 0017). The stream relays
// the API's server-sent events (ADR 0028); the JSON answer is the polling fallback.
import { alarmSummarySchema } from '@plantwatch/shared';
import type { NextRequest } from 'next/server';
import { ApiError, ApiUnavailableError, callApi } from './api.ts';
import { readAuthToken } from './auth.ts';
import { relayEventStream } from './event-stream-relay.ts';

const reply = (status: number, body: unknown) =>
  Response.json(body, { status, headers: { 'cache-control': 'no-store' } });

export async function alarmSummary(): Promise<Response> {
  const claims = await readAuthToken();
  if (!claims) return reply(401, { error: { code: 'unauthenticated', message: 'log in first' } });
  try {
    const answer = await callApi('GET', '/v1/alarms/summary', { token: claims.apiToken });
    return reply(200, alarmSummarySchema.parse(answer));
  } catch (error) {
    if (error instanceof ApiError && error.status < 500)
      return reply(error.status, { error: { code: error.code, message: error.message } });
    if (error instanceof ApiUnavailableError)
      return reply(503, { error: { code: 'api_unavailable', message: error.message } });
    console.error('web: the alarm summary failed', error);
    return reply(502, { error: { code: 'bad_gateway', message: 'the API could not answer' } });
  }
}

export const alarmSummaryStream = (request: NextRequest) =>
  relayEventStream(request, '/v1/alarms/summary/stream');
