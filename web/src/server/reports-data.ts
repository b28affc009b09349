import 'server-only';
// Reads for the reports page (issue #7): the definitions the viewer may see and their latest runs, and
// the sites' asset trees the form offers.
import {
  type ReportRun,
  type ReportSchedule,
  reportFileLinkSchema,
  reportRunSchema,
  reportScheduleSchema,
} from '@plantwatch/shared';
import type { NextRequest } from 'next/server';
import { z } from 'zod';
import { type ScopeAssetSite, scopeAssetsOf } from '../report-form.ts';
import { ApiError, ApiUnavailableError, callApi, forwardedHeaders } from './api.ts';
import { getAssetTree } from './asset-data.ts';
import { readAuthToken } from './auth.ts';
import { serverConfig } from './config.ts';
import { read } from './data.ts';

export const listReports = async (): Promise<ReportSchedule[]> =>
  (await read('/v1/reports', z.object({ reports: z.array(reportScheduleSchema) }))).reports;

export const getReport = (reportId: string): Promise<ReportSchedule> =>
  read(`/v1/reports/${encodeURIComponent(reportId)}`, reportScheduleSchema);

/** Each site's asset tree, for the report form's asset picker (ADR 0043): names and levels only. */
export const reportScopeAssets = (sites: readonly { id: string }[]): Promise<ScopeAssetSite[]> =>
  Promise.all(
    sites.map(async (site) => ({
      siteId: site.id,
      assets: scopeAssetsOf((await getAssetTree(site.id)).assets),
    })),
  );

export const listReportRuns = async (reportId: string): Promise<ReportRun[]> =>
  (
    await read(
      `/v1/reports/${encodeURIComponent(reportId)}/runs`,
      z.object({ runs: z.array(reportRunSchema) }),
    )
  ).runs;

const fileQuerySchema = z.object({ report: z.uuid(), run: z.uuid(), file: z.string().min(1).max(200) });

const refusal = (status: number, message: string) =>
  Response.json({ error: { message } }, { status, headers: { 'cache-control': 'no-store' } });

/**
 * GET /api/report-file?report&run&file: asks the API for a signed link issued to the viewer and
 * passes the file through, so the browser never needs to reach the API itself.
 */
export async function reportFile(request: NextRequest): Promise<Response> {
  const claims = await readAuthToken();
  if (!claims) return refusal(401, 'log in first');
  const parsed = fileQuerySchema.safeParse(Object.fromEntries(request.nextUrl.searchParams));
  if (!parsed.success) return refusal(400, 'report, run and file are required');
  const { report, run, file } = parsed.data;
  try {
    const link = reportFileLinkSchema.parse(
      await callApi('POST', `/v1/reports/${report}/runs/${run}/files/${encodeURIComponent(file)}/link`, {
        token: claims.apiToken,
      }),
    );
    const url = link.url.startsWith('/') ? `${serverConfig().apiUrl}${link.url}` : link.url;
    // The proxy secret goes to the API only, never to a storage service's signed URL.
    const toApi = url.startsWith(`${serverConfig().apiUrl}/`);
    const upstream = await fetch(url, { cache: 'no-store', headers: toApi ? await forwardedHeaders() : {} });
    if (!upstream.ok) return refusal(upstream.status, 'the file could not be read');
    return new Response(upstream.body, {
      headers: {
        'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream',
        'content-disposition': upstream.headers.get('content-disposition') ?? 'attachment',
        'cache-control': 'no-store',
      },
    });
  } catch (error) {
    if (error instanceof ApiError && error.status < 500) return refusal(error.status, error.message);
    if (error instanceof ApiUnavailableError) return refusal(503, error.message);
    console.error('web: a report download failed', error);
    return refusal(502, 'the API could not answer');
  }
}
