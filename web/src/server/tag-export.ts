import 'server-only';
// GET /api/devices/{deviceId}/tags-csv: the device's tags as the API exports them (CSV, Modbus bits
// included), passed through as a download for the signed-in user, so the browser never needs the API.
import { idSchema } from '@plantwatch/shared';
import type { NextRequest } from 'next/server';
import { forwardedHeaders } from './api.ts';
import { readAuthToken } from './auth.ts';
import { serverConfig } from './config.ts';

const refusal = (status: number, message: string) =>
  Response.json({ error: { message } }, { status, headers: { 'cache-control': 'no-store' } });

export async function tagsCsv(
  _request: NextRequest,
  context: { params: Promise<{ deviceId: string }> },
): Promise<Response> {
  const claims = await readAuthToken();
  if (!claims) return refusal(401, 'log in first');
  const deviceId = idSchema.safeParse((await context.params).deviceId);
  if (!deviceId.success) return refusal(400, 'deviceId: must be a UUID');
  let upstream: Response;
  try {
    upstream = await fetch(`${serverConfig().apiUrl}/v1/devices/${deviceId.data}/tags/export`, {
      cache: 'no-store',
      headers: { ...(await forwardedHeaders()), authorization: `Bearer ${claims.apiToken}` },
    });
  } catch (error) {
    console.error('web: a tag export failed', error);
    return refusal(503, 'the Plantwatch API is not answering');
  }
  if (!upstream.ok) {
    const body = (await upstream.json().catch(() => null)) as { error?: { message?: string } } | null;
    return refusal(upstream.status, body?.error?.message ?? 'the tags could not be exported');
  }
  return new Response(upstream.body, {
    headers: {
      'content-type': upstream.headers.get('content-type') ?? 'text/csv; charset=utf-8',
      'content-disposition': upstream.headers.get('content-disposition') ?? 'attachment; filename="tags.csv"',
      'cache-control': 'no-store',
    },
  });
}
