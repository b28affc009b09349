import { duckDbSettings } from '@plantwatch/functions/telemetry/adapters/duckdb/files';
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

  it("refuses Timestream by name: it is the AWS stack's alone", () => {
    expect(() => parseLocalEnv({ TELEMETRY_STORE: 'timestream' })).toThrow(
      /must be duckdb or postgres \(Timestream is for the AWS stack only.*\n.*TELEMETRY_STORE/,
    );
  });

  it('caps DuckDB at 512MB unless TELEMETRY_MEMORY_LIMIT says otherwise, and refuses what is not a size', () => {
    expect(parseLocalEnv({}).TELEMETRY_MEMORY_LIMIT).toBe('512MB');
    expect(
      duckDbSettings({
        memoryLimit: parseLocalEnv({ TELEMETRY_MEMORY_LIMIT: '2GB' }).TELEMETRY_MEMORY_LIMIT,
      }),
    ).toEqual(expect.objectContaining({ memory_limit: '2GB' }));
    expect(Number(duckDbSettings({}).threads)).toBeGreaterThanOrEqual(1);
    expect(Number(duckDbSettings({}).threads)).toBeLessThanOrEqual(4);
    expect(() => parseLocalEnv({ TELEMETRY_MEMORY_LIMIT: 'lots' })).toThrow(
      /must be a size such as 512MB or 2GB\n.*TELEMETRY_MEMORY_LIMIT/,
    );
  });
});
