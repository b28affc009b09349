// What GET /v1/health checks: each component the service runs on (config store, telemetry store,
// broker, scheduler, escalation dispatcher, last ingest) and each capability that can be degraded (the
// canary, config push, backups) says ok, degraded or down. The service is `down` (503, not ready) when
// a required component is; `degraded` when any check is not ok; `ok` otherwise. A check that throws
// counts as degraded, or as down when it is required.
export type HealthStatus = 'ok' | 'degraded' | 'down';

export interface HealthCheckResult {
  name: string;
  status: HealthStatus;
  detail: string;
  /** Set on components the service cannot do its work without: their `down` makes the answer 503. */
  required?: boolean;
}

export type HealthCheck = () => Promise<HealthCheckResult>;

export interface HealthReport {
  status: HealthStatus;
  checks: HealthCheckResult[];
}

export function overallStatus(results: readonly HealthCheckResult[]): HealthStatus {
  if (results.some((result) => result.required && result.status === 'down')) return 'down';
  return results.every((result) => result.status === 'ok') ? 'ok' : 'degraded';
}

export async function runHealthChecks(checks: readonly HealthCheck[]): Promise<HealthReport> {
  const results = await Promise.all(
    checks.map(async (check, index) => {
      try {
        return await check();
      } catch (error) {
        return {
          name: `check ${index + 1}`,
          status: 'degraded' as const,
          detail: `the check failed: ${errorText(error)}`,
        };
      }
    }),
  );
  return { status: overallStatus(results), checks: results };
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * A required component's check from a probe that throws when the component cannot serve (a closed
 * store, a lost connection): ok with the probe's detail, or down with the error.
 */
export function componentCheck(
  name: string,
  probe: () => Promise<string>,
  options: { required?: boolean; timeoutMs?: number } = {},
): HealthCheck {
  const required = options.required ?? true;
  const timeoutMs = options.timeoutMs ?? 2_000;
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    try {
      const detail = await Promise.race([
        probe(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return { name, status: 'ok', detail, required };
    } catch (error) {
      return { name, status: 'down', detail: errorText(error), required };
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * How long ago the last telemetry batch was stored: degraded after `staleAfterMs` without one (counted
 * from start when none came yet). Not required: the API serves without fresh data.
 */
export function lastIngestCheck(
  lastIngestAt: () => Date | null,
  startedAt: Date,
  clock: { now(): Date },
  staleAfterMs = 10 * 60_000,
): HealthCheck {
  return async () => {
    const last = lastIngestAt();
    const ageMs = clock.now().getTime() - (last ?? startedAt).getTime();
    const seconds = Math.round(ageMs / 1000);
    return {
      name: 'last-ingest',
      status: ageMs > staleAfterMs ? 'degraded' : 'ok',
      detail: last
        ? `the last telemetry batch was stored ${seconds} s ago`
        : `no telemetry batch stored since the start ${seconds} s ago`,
    };
  };
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

/** The config store's check: one round trip (`SELECT 1`); required. */
export function configStoreCheck(database: {
  readonly kind: string;
  execute(statement: string): Promise<unknown>;
}): HealthCheck {
  return componentCheck('config-store', async () => {
    await database.execute('SELECT 1');
    return `${database.kind === 'pglite' ? 'PGlite' : 'PostgreSQL'} answers`;
  });
}

/** The telemetry store's check: its ping (a closed or unreachable store is down); required. */
export function telemetryStoreCheck(telemetry: {
  readonly kind: string;
  ping?(): Promise<string>;
}): HealthCheck {
  return componentCheck('telemetry-store', async () =>
    telemetry.ping ? telemetry.ping() : `${telemetry.kind}: not probed (a query costs money)`,
  );
}
