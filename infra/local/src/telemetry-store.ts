// Chooses and opens the telemetry store from TELEMETRY_STORE (composition root, local runtime).
import { join, resolve } from 'node:path';
import { openDuckDbTelemetryStore } from '@plantwatch/functions/telemetry/adapters/duckdb/index';
import { openPostgresTelemetryStore } from '@plantwatch/functions/telemetry/adapters/postgres/telemetry-store';
import type { TelemetryStore } from '@plantwatch/functions/telemetry/ports';
import type { LocalEnv } from './env.ts';

/** Tests pass an in-memory DuckDB; everything else follows the environment. */
export type TelemetryStoreOverride = { kind: 'duckdb'; path: string };

export function duckDbPath(env: Pick<LocalEnv, 'DATA_DIR'>): string {
  return join(resolve(env.DATA_DIR), 'telemetry', 'telemetry.duckdb');
}

export async function openTelemetryStore(
  env: LocalEnv,
  override?: TelemetryStoreOverride,
): Promise<TelemetryStore> {
  if (override) return openDuckDbTelemetryStore({ path: override.path });
  switch (env.TELEMETRY_STORE) {
    case 'duckdb':
      return openDuckDbTelemetryStore({ path: duckDbPath(env), memoryLimit: env.TELEMETRY_MEMORY_LIMIT });
    case 'postgres':
      // The same server as the config store, in its own schema (telemetry.*).
      if (!env.DATABASE_URL)
        throw new Error('TELEMETRY_STORE=postgres needs DATABASE_URL (a postgres:// URL)');
      return openPostgresTelemetryStore({ url: env.DATABASE_URL });
  }
}
