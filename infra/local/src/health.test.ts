// /v1/health on the local runtime names each component it runs on, and turns 503 (and /readyz with
// it) when a required one is down: here the telemetry store, closed under the running API. /livez
// stays 200: the process itself still answers, so a container is taken out of rotation, not killed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, until } from './testing/harness.ts';

describe('health of each component', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
  }, 60_000);

  afterAll(async () => {
    await api.close();
  });

  const probe = async (path: string) => {
    const response = await fetch(`${api.runtime.apiUrl}${path}`);
    return { status: response.status, body: await response.json() };
  };

  it('reports every component, and answers 503 once the telemetry store is closed', async () => {
    const healthy = await api.call('GET', '/v1/health');
    expect(healthy.status).toBe(200);
    expect(healthy.body.status).toBe('ok');
    const names = healthy.body.checks.map((check: { name: string }) => check.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'config-store',
        'telemetry-store',
        'broker',
        'scheduler',
        'alarm-delivery',
        'last-ingest',
      ]),
    );
    expect(healthy.body.checks).toEqual(
      expect.arrayContaining([
        { name: 'config-store', status: 'ok', detail: 'PGlite answers', required: true },
        { name: 'telemetry-store', status: 'ok', detail: 'DuckDB, 0 series', required: true },
        { name: 'broker', status: 'ok', detail: '0 client(s) connected', required: true },
        expect.objectContaining({ name: 'last-ingest', status: 'ok' }),
      ]),
    );
    expect(await probe('/readyz')).toEqual({ status: 200, body: { status: 'ok', down: [] } });

    await api.runtime.telemetry.close();

    // Health answers are reused for 5 s: the next fresh one says it.
    const down = await until(
      'health 503',
      async () => {
        const res = await api.call('GET', '/v1/health');
        return res.status === 503 ? res : undefined;
      },
      10_000,
      250,
    );
    expect(down.body.status).toBe('down');
    expect(down.body.checks).toEqual(
      expect.arrayContaining([
        {
          name: 'telemetry-store',
          status: 'down',
          detail: 'the telemetry store is closed',
          required: true,
        },
        expect.objectContaining({ name: 'config-store', status: 'ok' }),
      ]),
    );
    expect(await probe('/readyz')).toEqual({
      status: 503,
      body: { status: 'down', down: ['telemetry-store: the telemetry store is closed'] },
    });
    expect(await probe('/livez')).toEqual({ status: 200, body: { status: 'ok' } });
  });
});
