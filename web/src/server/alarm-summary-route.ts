import 'server-only';
// GET /api/alarms/summary: what the alarm bar on every page annunciates (alarm-summary.ts), from the
// API's active alarms with the session's token. Polled by live/alarm-feed.ts for now.
import { alarmSchema } from '@plantwatch/shared';
import { z } from 'zod';
import { summarizeAlarms } from '../alarm-summary.ts';
import { ApiError, ApiUnavailableError, callApi } from './api.ts';
import { readAuthToken } from './auth.ts';

const reply = (status: number, body: unknown) =>
  Response.json(body, { status, headers: { 'cache-control': 'no-store' } });

export async function alarmSummary(): Promise<Response> {
  const claims = await readAuthToken();
  if (!claims) return reply(401, { error: { code: 'unauthenticated', message: 'log in first' } });
  try {
    const answer = await callApi('GET', '/v1/alarms?status=active&limit=1000', { token: claims.apiToken });
    const { alarms } = z.object({ alarms: z.array(alarmSchema) }).parse(answer);
    return reply(200, summarizeAlarms(alarms, Date.now()));
  } catch (error) {
    if (error instanceof ApiError && error.status < 500)
      return reply(error.status, { error: { code: error.code, message: error.message } });
    if (error instanceof ApiUnavailableError)
      return reply(503, { error: { code: 'api_unavailable', message: error.message } });
    console.error('web: the alarm summary failed', error);
    return reply(502, { error: { code: 'bad_gateway', message: 'the API could not answer' } });
  }
}
