// What GET /v1/health checks: each capability that can be degraded says so (alarm delivery, the
// canary); the service answers `ok` only when every check does. A check that throws counts as degraded.
export interface HealthCheckResult {
  name: string;
  status: 'ok' | 'degraded';
  detail: string;
}

export type HealthCheck = () => Promise<HealthCheckResult>;

export async function runHealthChecks(
  checks: readonly HealthCheck[],
): Promise<{ status: 'ok' | 'degraded'; checks: HealthCheckResult[] }> {
  const results = await Promise.all(
    checks.map(async (check, index) => {
      try {
        return await check();
      } catch (error) {
        return {
          name: `check ${index + 1}`,
          status: 'degraded' as const,
          detail: `the check failed: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
    }),
  );
  return { status: results.every((result) => result.status === 'ok') ? 'ok' : 'degraded', checks: results };
}

/**
 * The checks' results, reused for `ttlMs`: load balancers and monitors call health often, and the
 * checks read the database; a few seconds of staleness is what a health answer can afford.
 */
export function cachedHealthChecks(
  checks: readonly HealthCheck[],
  clock: { now(): Date },
  ttlMs = 5_000,
): readonly HealthCheck[] {
  let cached: { at: number; results: Promise<HealthCheckResult[]> } | undefined;
  const all = () => {
    const now = clock.now().getTime();
    if (!cached || now - cached.at >= ttlMs) {
      cached = { at: now, results: runHealthChecks(checks).then((report) => report.checks) };
    }
    return cached.results;
  };
  return checks.map((_, index) => async () => {
    const results = await all();
    const result = results[index];
    if (!result) throw new Error('health check result missing');
    return result;
  });
}
