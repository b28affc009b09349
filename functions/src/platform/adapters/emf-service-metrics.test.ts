// The metrics AWS writes as EMF lines that the local /metrics has too (one set of names): API
// requests by route template and status with their latency, and report runs by outcome with their
// duration. The lines are read back as CloudWatch would, with their dimension sets.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCountedReportJob } from '../../reports/counted-run.ts';
import type { ReportJobDeps } from '../../reports/index.ts';
import type { ApiEvent } from '../http/http.ts';
import { routeTemplateMatcher, withRequestMetrics } from '../http/request-metrics.ts';
import { createEmfMetrics, METRICS_NAMESPACE } from './emf-metrics.ts';

interface EmfLine {
  _aws: {
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [key: string]: unknown;
}

/** Every EMF line written to stdout while `work` runs. */
async function emfLines(work: () => Promise<unknown>): Promise<EmfLine[]> {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await work();
  } catch {
    // the work may fail on purpose: what it counted is what is looked at
  }
  vi.restoreAllMocks();
  return lines
    .flatMap((line) => line.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfLine);
}

const metricOf = (line: EmfLine) => line._aws.CloudWatchMetrics[0]?.Metrics[0];

const event = (method: string, rawPath: string): ApiEvent =>
  ({ rawPath, requestContext: { http: { method } }, headers: {} }) as unknown as ApiEvent;

const routes = routeTemplateMatcher([
  { method: 'GET', path: '/v1/sites/{siteId}' },
  { method: 'POST', path: '/v1/sites' },
]);

describe('API request metrics on AWS (EMF)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('counts each request by method, route template and status, and times it by method and route', async () => {
    const api = withRequestMetrics(
      async () => ({ statusCode: 404, headers: {}, body: '{}' }),
      createEmfMetrics(),
      routes,
    );
    const [count, latency] = await emfLines(() => api(event('GET', '/v1/sites/0190aa2c-site')));

    expect(count).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: METRICS_NAMESPACE,
            Dimensions: [['service', 'method', 'route', 'status'], ['service']],
            Metrics: [{ Name: 'http_requests', Unit: 'Count' }],
          },
        ],
      },
      method: 'GET',
      route: '/v1/sites/{siteId}',
      status: '404',
      http_requests: 1,
    });
    expect(latency).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Dimensions: [['service', 'method', 'route'], ['service']],
            Metrics: [{ Name: 'http_request_seconds', Unit: 'Seconds' }],
          },
        ],
      },
      route: '/v1/sites/{siteId}',
    });
    expect(latency?.http_request_seconds).toBeGreaterThanOrEqual(0);
  });

  it('counts a request the handler threw on as a 500 (what API Gateway answers), on a path no route has as unmatched', async () => {
    const api = withRequestMetrics(
      async () => {
        throw new Error('database gone');
      },
      createEmfMetrics(),
      routes,
    );
    const lines = await emfLines(() => api(event('DELETE', '/v1/nowhere/1')));
    expect(lines.map(metricOf).map((metric) => metric?.Name)).toEqual([
      'http_requests',
      'http_request_seconds',
    ]);
    expect(lines[0]).toMatchObject({ method: 'DELETE', route: 'unmatched', status: '500' });
  });
});

describe('report run metrics on AWS (EMF)', () => {
  /** Report deps whose store fails as the database would, or finds the run not queued any more. */
  const reportDeps = (store: Partial<ReportJobDeps['store']>) => ({ store }) as unknown as ReportJobDeps;

  it('counts a run that failed outside its record as outcome error, with its duration', async () => {
    const deps = reportDeps({
      inTenant: async () => {
        throw new Error('database gone');
      },
    });
    const lines = await emfLines(() => runCountedReportJob(deps, createEmfMetrics(), 'tenant-1', 'run-1'));
    expect(lines).toEqual([
      expect.objectContaining({
        _aws: expect.objectContaining({
          CloudWatchMetrics: [
            expect.objectContaining({
              Dimensions: [['service', 'outcome'], ['service']],
              Metrics: [{ Name: 'report_runs', Unit: 'Count' }],
            }),
          ],
        }),
        outcome: 'error',
        report_runs: 1,
      }),
      expect.objectContaining({
        _aws: expect.objectContaining({
          CloudWatchMetrics: [
            expect.objectContaining({
              Dimensions: [['service', 'outcome'], ['service']],
              Metrics: [{ Name: 'report_run_seconds', Unit: 'Seconds' }],
            }),
          ],
        }),
        outcome: 'error',
      }),
    ]);
  });

  it('counts nothing for a run another worker already took (not queued any more)', async () => {
    const deps = reportDeps({ inTenant: async () => null as never });
    const lines = await emfLines(() => runCountedReportJob(deps, createEmfMetrics(), 'tenant-1', 'run-1'));
    expect(lines).toEqual([]);
  });
});
