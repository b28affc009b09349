import 'server-only';
// Route handlers for live data (ADR 0017, 0028): a site's live stream (relayed server-sent events), its
// live values and active alarms as JSON (the polling fallback), and chart series. The browser sends its session cookie; the API token is read from it here and never leaves
// the server. Authorisation is the API's: these handlers pass its 401/404 through and add nothing.
import { alarmSchema, idSchema } from '@plantwatch/shared';
import type { NextRequest } from 'next/server';
import { z } from 'zod';
import { latestValuesSchema, type SiteLive, seriesSchema } from '../live-types.ts';
import { trendAggregates } from '../trend-data.ts';
import { ApiError, ApiUnavailableError, callApi } from './api.ts';
import { readAuthToken } from './auth.ts';
import { relayEventStream } from './event-stream-relay.ts';

const reply = (status: number, body: unknown) =>
  Response.json(body, { status, headers: { 'cache-control': 'no-store' } });

const refusal = (status: number, code: string, message: string) =>
  reply(status, { error: { code, message } });

async function withApiToken(work: (token: string) => Promise<Response>): Promise<Response> {
  const claims = await readAuthToken();
  if (!claims) return refusal(401, 'unauthenticated', 'log in first');
  try {
    return await work(claims.apiToken);
  } catch (error) {
    if (error instanceof ApiError && error.status < 500)
      return refusal(error.status, error.code, error.message);
    if (error instanceof ApiUnavailableError) return refusal(503, 'api_unavailable', error.message);
    console.error('web: a live read failed', error);
    return refusal(502, 'bad_gateway', 'the API could not answer');
  }
}

const badInput = (error: z.ZodError) =>
  refusal(
    400,
    'invalid_request',
    error.issues.map((issue) => `${issue.path.join('.') || 'query'}: ${issue.message}`).join('; '),
  );

const siteLiveQuery = z.object({
  siteId: idSchema,
  since: z.coerce.number().int().min(0).optional(),
});

/**
 * GET /api/sites/{siteId}/live?since=<epoch ms>: the site's values newer than `since` (all of them
 * without it) and its active alarms. The browser keeps what it has and merges what is new.
 */
export async function siteLive(request: NextRequest, context: { params: Promise<{ siteId: string }> }) {
  const input = siteLiveQuery.safeParse({
    siteId: (await context.params).siteId,
    since: request.nextUrl.searchParams.get('since') ?? undefined,
  });
  if (!input.success) return badInput(input.error);
  const { siteId, since } = input.data;
  return withApiToken(async (token) => {
    const site = encodeURIComponent(siteId);
    const [latest, alarms] = await Promise.all([
      callApi('GET', `/v1/telemetry/latest?siteId=${site}`, { token }),
      callApi('GET', `/v1/alarms?siteId=${site}&status=active`, { token }),
    ]);
    const values = latestValuesSchema.parse(latest).values;
    const body: SiteLive = {
      now: Date.now(),
      values: since === undefined ? values : values.filter((value) => value.ts > since),
      alarms: z.object({ alarms: z.array(alarmSchema) }).parse(alarms).alarms,
    };
    return reply(200, body);
  });
}

/** GET /api/sites/{siteId}/live/stream: the API's site stream, relayed (values, alarms, gateways). */
export async function siteLiveStream(request: NextRequest, context: { params: Promise<{ siteId: string }> }) {
  const siteId = idSchema.safeParse((await context.params).siteId);
  if (!siteId.success) return badInput(siteId.error);
  return relayEventStream(request, `/v1/telemetry/stream?siteId=${encodeURIComponent(siteId.data)}`);
}

const seriesQuery = z
  .object({
    tagIds: z
      .string()
      .transform((text) => text.split(',').filter((id) => id !== ''))
      .pipe(z.array(idSchema).min(1, 'name at least one tag').max(12, 'at most 12 tags on one chart')),
    from: z.coerce.number().int().min(0),
    to: z.coerce.number().int().min(0),
    maxPoints: z.coerce.number().int().min(10).max(2000).default(600),
    aggregates: z
      .string()
      .default('avg')
      .transform((text) => [...new Set(text.split(',').filter((a) => a !== ''))])
      .pipe(z.array(z.enum(trendAggregates)).min(1, 'name at least one aggregate')),
  })
  .refine((q) => q.to > q.from, { message: 'to must be after from', path: ['to'] });

/** GET /api/series?tagIds=a,b&from=&to=&maxPoints=&aggregates=avg,last: buckets for a chart. */
export async function series(request: NextRequest) {
  const input = seriesQuery.safeParse(Object.fromEntries(request.nextUrl.searchParams));
  if (!input.success) return badInput(input.error);
  const { tagIds, from, to, maxPoints, aggregates } = input.data;
  return withApiToken(async (token) => {
    const params = new URLSearchParams({
      tagIds: tagIds.join(','),
      from: String(from),
      to: String(to),
      maxPoints: String(maxPoints),
      aggregates: aggregates.join(','),
    });
    return reply(200, seriesSchema.parse(await callApi('GET', `/v1/telemetry/series?${params}`, { token })));
  });
}
