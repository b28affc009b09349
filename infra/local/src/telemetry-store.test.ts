import { describe, expect, it } from 'vitest';
import { parseLocalEnv } from './env.ts';
import { duckDbPath, openTelemetryStore } from './telemetry-store.ts';

describe('choosing the telemetry store from TELEMETRY_STORE', () => {
  it('keeps DuckDB under DATA_DIR by default', () => {
    expect(duckDbPath(parseLocalEnv({ DATA_DIR: '/srv/plantwatch' }))).toBe(
      '/srv/plantwatch/telemetry/telemetry.duckdb',
    );
  });

  it('says what is missing when postgres is chosen without DATABASE_URL', async () => {
    await expect(openTelemetryStore(parseLocalEnv({ TELEMETRY_STORE: 'postgres' }))).rejects.toThrow(
      'TELEMETRY_STORE=postgres needs DATABASE_URL',
    );
  });
});
