// Scheduled reports (issue #7): definitions CRUD, enable/disable, "run now", run history, signed
// download links, and the public download route those links point at (the signature is the credential).
import {
  createReportScheduleSchema,
  idSchema,
  reportFileLinkSchema,
  reportRunSchema,
  reportScheduleSchema,
  updateReportScheduleSchema,
} from '@plantwatch/shared';
import { z } from 'zod';
import { RequestValidationError } from '../platform/http/errors.ts';
import type { ApiEvent } from '../platform/http/http.ts';
import { type Route, routesOn } from '../platform/http/route.ts';
import type { ReportUseCaseDeps } from './definitions.ts';
import * as reports from './definitions.ts';
import { reportLinkQuerySchema } from './links.ts';

const { defineRoute } = routesOn<ReportUseCaseDeps>();

const reportParams = z.object({ reportId: idSchema });
const runParams = z.object({ reportId: idSchema, runId: idSchema });
const fileParams = z.object({
  reportId: idSchema,
  runId: idSchema,
  fileName: z.string().min(1).max(200),
});

/**
 * GET /v1/report-files?tenant&run&file&to&expires&sig: answers with the file's bytes (base64 in the
 * Lambda result, which API Gateway and the local server decode). Public: the HMAC signature and
 * expiry are the credential, so a link in an e-mail works without signing in.
 */
const downloadReportFileRoute: Route<ReportUseCaseDeps> = {
  operationId: 'downloadReportFile',
  method: 'GET',
  path: '/v1/report-files',
  summary: 'Download a report file through a signed, expiring link',
  tag: 'reports',
  access: 'public',
  query: reportLinkQuerySchema,
  status: 200,
  errors: [403, 404],
  produces: 'application/octet-stream',
  async execute(event: ApiEvent, deps) {
    const parsed = reportLinkQuerySchema.safeParse(event.queryStringParameters ?? {});
    if (!parsed.success) throw new RequestValidationError('query', parsed.error);
    const file = await reports.downloadReportFile(
      deps,
      parsed.data,
      event.requestContext?.http?.sourceIp ?? 'unknown',
    );
    return {
      statusCode: 200,
      headers: {
        'content-type': file.contentType,
        'content-disposition': `attachment; filename="${file.fileName.replaceAll('"', '')}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      },
      body: Buffer.from(file.body).toString('base64'),
      isBase64Encoded: true,
    };
  },
};

export const reportRoutes: Route<ReportUseCaseDeps>[] = [
  defineRoute({
    operationId: 'listReports',
    method: 'GET',
    path: '/v1/reports',
    summary: 'The report definitions the caller may see',
    tag: 'reports',
    access: 'viewer',
    response: z.object({ reports: z.array(reportScheduleSchema) }),
    status: 200,
    handle: async ({ deps, principal }) => ({ reports: await reports.listReports(deps, principal) }),
  }),
  defineRoute({
    operationId: 'createReport',
    method: 'POST',
    path: '/v1/reports',
    summary: 'Define a scheduled report',
    tag: 'reports',
    access: 'engineer',
    body: createReportScheduleSchema,
    response: reportScheduleSchema,
    status: 201,
    errors: [404],
    handle: ({ deps, principal, body }) => reports.createReport(deps, principal, body),
  }),
  defineRoute({
    operationId: 'getReport',
    method: 'GET',
    path: '/v1/reports/{reportId}',
    summary: 'One report definition',
    tag: 'reports',
    access: 'viewer',
    params: reportParams,
    response: reportScheduleSchema,
    status: 200,
    errors: [404],
    handle: ({ deps, principal, params }) => reports.getReport(deps, principal, params.reportId),
  }),
  defineRoute({
    operationId: 'updateReport',
    method: 'PATCH',
    path: '/v1/reports/{reportId}',
    summary: 'Change a report definition (lists and nested objects are replaced whole)',
    tag: 'reports',
    access: 'engineer',
    params: reportParams,
    body: updateReportScheduleSchema,
    response: reportScheduleSchema,
    status: 200,
    errors: [404],
    handle: ({ deps, principal, params, body }) =>
      reports.updateReport(deps, principal, params.reportId, body),
  }),
  defineRoute({
    operationId: 'deleteReport',
    method: 'DELETE',
    path: '/v1/reports/{reportId}',
    summary: 'Delete a report definition with its run history and files',
    tag: 'reports',
    access: 'engineer',
    params: reportParams,
    status: 204,
    errors: [404],
    handle: async ({ deps, principal, params }) => {
      await reports.deleteReport(deps, principal, params.reportId);
      return undefined;
    },
  }),
  defineRoute({
    operationId: 'enableReport',
    method: 'POST',
    path: '/v1/reports/{reportId}/enable',
    summary: 'Turn the schedule on; it counts from now, slots missed while off do not run',
    tag: 'reports',
    access: 'engineer',
    params: reportParams,
    response: reportScheduleSchema,
    status: 200,
    errors: [404],
    handle: ({ deps, principal, params }) => reports.setReportEnabled(deps, principal, params.reportId, true),
  }),
  defineRoute({
    operationId: 'disableReport',
    method: 'POST',
    path: '/v1/reports/{reportId}/disable',
    summary: 'Turn the schedule off ("run now" still works)',
    tag: 'reports',
    access: 'engineer',
    params: reportParams,
    response: reportScheduleSchema,
    status: 200,
    errors: [404],
    handle: ({ deps, principal, params }) =>
      reports.setReportEnabled(deps, principal, params.reportId, false),
  }),
  defineRoute({
    operationId: 'runReportNow',
    method: 'POST',
    path: '/v1/reports/{reportId}/runs',
    summary: 'Run the report now for its period as of now; answers with the queued run',
    tag: 'reports',
    access: 'operator',
    params: reportParams,
    response: reportRunSchema,
    status: 201,
    errors: [404],
    handle: ({ deps, principal, params }) => reports.runReportNow(deps, principal, params.reportId),
  }),
  defineRoute({
    operationId: 'listReportRuns',
    method: 'GET',
    path: '/v1/reports/{reportId}/runs',
    summary: 'Run history, newest first: who scheduled it, the period, files, delivery, downloads',
    tag: 'reports',
    access: 'viewer',
    params: reportParams,
    response: z.object({ runs: z.array(reportRunSchema) }),
    status: 200,
    errors: [404],
    handle: async ({ deps, principal, params }) => ({
      runs: await reports.listReportRuns(deps, principal, params.reportId),
    }),
  }),
  defineRoute({
    operationId: 'getReportRun',
    method: 'GET',
    path: '/v1/reports/{reportId}/runs/{runId}',
    summary: 'One run of a report',
    tag: 'reports',
    access: 'viewer',
    params: runParams,
    response: reportRunSchema,
    status: 200,
    errors: [404],
    handle: ({ deps, principal, params }) =>
      reports.getReportRun(deps, principal, params.reportId, params.runId),
  }),
  defineRoute({
    operationId: 'createReportFileLink',
    method: 'POST',
    path: '/v1/reports/{reportId}/runs/{runId}/files/{fileName}/link',
    summary: 'A signed, expiring download link to one file of a run, issued to the caller',
    tag: 'reports',
    access: 'viewer',
    params: fileParams,
    response: reportFileLinkSchema,
    status: 201,
    errors: [404],
    handle: ({ deps, principal, params }) =>
      reports.createReportFileLink(deps, principal, params.reportId, params.runId, params.fileName),
  }),
  downloadReportFileRoute,
];
