// The data set the query benchmarks read: a local runtime (config store, API, embedded DuckDB store)
// holding 10 million points over about 35 days for 25, 250 or 2,500 tags, 25 tags to a site (one
// gateway and one OPC UA device each). The plant model goes in through the use-cases (one bulk tag
// change per device); the points go straight into the store's file with SQL generated inside DuckDB
// (in arrival order, every tag's sample of one instant and then the next, as the write path appends
// them), then the rollups and newest values are made from them by the store's own aggregate SQL. That
// takes seconds where 10 million points through `write()` took minutes; the store then opens the
// file as it would after a restart, and does at open whatever it does to a file it finds.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { z } from 'zod';
import * as accounts from '../functions/src/accounts/accounts.ts';
import * as plant from '../functions/src/plant/plant.ts';
import { bulkChangeTags } from '../functions/src/plant/tag-bulk.ts';
import type { Principal } from '../functions/src/platform/principal.ts';
import { sqlString } from '../functions/src/telemetry/adapters/duckdb/files.ts';
import {
  aggregateRaw,
  newestPerSeries,
  ROLLUPS,
} from '../functions/src/telemetry/adapters/duckdb/write-path.ts';
import type { TagRef } from '../functions/src/telemetry/ports.ts';
import { type LocalEnv, parseLocalEnv } from '../infra/local/src/env.ts';
import { type LocalRuntime, startLocalRuntime } from '../infra/local/src/runtime.ts';
import { duckDbPath } from '../infra/local/src/telemetry-store.ts';
import { bulkTagChangesSchema, createDeviceSchema } from '../shared/src/index.ts';
import { progress, round } from './harness.ts';

export const POINTS = 10_000_000;
export const TAGS_PER_SITE = 25;
export const DAY_MS = 86_400_000;
/** The first sample's time; every tag has one sample each `stepMs` from here. */
export const START_MS = Date.UTC(2026, 0, 1);

export interface BenchSite {
  siteId: string;
  tagIds: string[];
  refs: TagRef[];
  /** DuckDB series ids of the site's tags (the store numbers them in `tag_series`). */
  seriesIds: number[];
}

export interface QueryDataSet {
  tags: number;
  stepMs: number;
  /** One past the newest sample's time. */
  end: number;
  tenantId: string;
  runtime: LocalRuntime;
  token: string;
  sites: BenchSite[];
  /** The SQL expression of a sample's value from `series_id` and `step` (baselines rebuild rows with it). */
  valueSql: string;
  close(): Promise<void>;
}

/** A slowly changing analog signal per tag, rounded as a transmitter would send it. */
const VALUE_SQL = 'round(50 + 20 * sin(series_id) + 5 * sin(step / 97.0 + series_id), 2)';

const PASSWORD = 'bench-queries-password';
const sessionSchema = z.object({ token: z.string().min(1) });

async function createPlant(runtime: LocalRuntime, tags: number) {
  const { deps } = runtime;
  const email = `queries-${tags}@bench.plantwatch.local`;
  const created = await accounts.createVerifiedTenant(deps, {
    tenantName: `Query bench ${tags} tags`,
    timeZone: 'UTC',
    name: 'Bench Owner',
    email,
    password: PASSWORD,
    planId: 'unlimited',
  });
  const owner: Principal = {
    tenantId: created.tenantId,
    role: 'owner',
    siteIds: null,
    userId: created.ownerId,
    apiKeyId: null,
    sessionId: null,
  };
  const sites: Omit<BenchSite, 'seriesIds'>[] = [];
  for (let s = 0; s < tags / TAGS_PER_SITE; s += 1) {
    const site = await plant.createSite(deps, owner, {
      name: `Site ${s}`,
      description: '',
      timeZone: 'UTC',
      location: null,
    });
    const gateway = await plant.createGateway(deps, owner, {
      siteId: site.id,
      name: `gw-${s}`,
      description: '',
    });
    const device = await plant.createDevice(
      deps,
      owner,
      createDeviceSchema.parse({
        gatewayId: gateway.id,
        key: 'plc-1',
        name: 'PLC',
        connection: { protocol: 'opcua', endpoint: 'opc.tcp://127.0.0.1:4840/bench', publishMs: 1000 },
      }),
    );
    const keys = Array.from({ length: TAGS_PER_SITE }, (_, t) => `t${t}`);
    const done = await bulkChangeTags(
      deps,
      owner,
      device.id,
      bulkTagChangesSchema.parse({
        create: keys.map((key) => ({ key, name: key, address: { kind: 'opcua', nodeId: `ns=1;s=${key}` } })),
      }),
    );
    const idByKey = new Map(done.created.map((tag) => [tag.key, tag.id]));
    sites.push({
      siteId: site.id,
      tagIds: keys.map((key) => idByKey.get(key) as string),
      refs: keys.map((tagKey) => ({ gatewayId: gateway.id, deviceKey: 'plc-1', tagKey })),
    });
  }
  return { tenantId: created.tenantId, email, sites };
}

/** Fills the store's file (closed) with the tags' series, their points, rollups and newest values. */
async function fillStore(
  path: string,
  tenantId: string,
  sites: Omit<BenchSite, 'seriesIds'>[],
  stepMs: number,
) {
  const tags = sites.length * TAGS_PER_SITE;
  const steps = POINTS / tags;
  // Not the store's 512MB: at 2,500 tags every point is a minute bucket of its own, and the 10 million
  // rows of rollup_1m with their primary-key index are built here in one statement.
  const instance = await DuckDBInstance.create(path, { threads: '2', memory_limit: '4GB' });
  const connection = await instance.connect();
  try {
    const series = sites.flatMap((site, s) =>
      site.refs.map(
        (ref, t) =>
          `(${s * TAGS_PER_SITE + t + 1}, ${sqlString(tenantId)}, ${sqlString(site.siteId)}, ${sqlString(ref.gatewayId)}, ${sqlString(ref.deviceKey)}, ${sqlString(ref.tagKey)})`,
      ),
    );
    await connection.run(`INSERT INTO tag_series VALUES ${series.join(',')}`);
    await connection.run(
      `INSERT INTO points SELECT series_id, ${START_MS} + step * ${stepMs}, 0, ${VALUE_SQL}, NULL, 0
       FROM (SELECT s.range::INTEGER + 1 AS series_id, t.range AS step FROM range(${steps}) t, range(${tags}) s)
       ORDER BY step, series_id`,
    );
    // In time order, as compaction appends them: a hash aggregate's own order would leave every row
    // group spanning the whole time range, and the bucket min/max would skip nothing.
    for (const { table, widthMs } of ROLLUPS) {
      await connection.run(
        `INSERT INTO ${table} SELECT * FROM (${aggregateRaw('points', widthMs)}) ORDER BY bucket, series_id`,
      );
    }
    await connection.run(`INSERT INTO latest ${newestPerSeries('points')}`);
    await connection.run('CHECKPOINT');
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return sites.map((site, s) => ({
    ...site,
    seriesIds: site.refs.map((_, t) => s * TAGS_PER_SITE + t + 1),
  }));
}

async function logIn(apiUrl: string, email: string): Promise<string> {
  const response = await fetch(`${apiUrl}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`bench login failed: HTTP ${response.status}`);
  return sessionSchema.parse(await response.json()).token;
}

export interface PreparedQueryData {
  tags: number;
  stepMs: number;
  end: number;
  dataDir: string;
  env: LocalEnv;
  tenantId: string;
  email: string;
  sites: BenchSite[];
  /** Removes the DATA_DIR (after whatever ran on it has stopped). */
  remove(): Promise<void>;
}

const startOn = (env: LocalEnv) =>
  startLocalRuntime({ env, explicitPorts: new Set(['API_PORT', 'MQTT_PORT']), seedDemo: false });

/**
 * A DATA_DIR holding the plant model and the points for `tags` tags, with nothing running on it. The
 * folder is removed here when preparing fails part way, and by remove() otherwise.
 */
export async function prepareQueryData(tags: number): Promise<PreparedQueryData> {
  const dataDir = await mkdtemp(join(tmpdir(), `plantwatch-bench-queries-${tags}-`));
  const remove = () => rm(dataDir, { recursive: true, force: true });
  const env = parseLocalEnv({ API_PORT: '0', MQTT_PORT: '0', DATA_DIR: dataDir, DEMO: 'off' });
  let runtime: LocalRuntime | undefined;
  try {
    const began = performance.now();
    const stepMs = (7_500 * tags) / TAGS_PER_SITE;
    runtime = await startOn(env);
    const model = await createPlant(runtime, tags);
    await runtime.close();
    runtime = undefined;
    progress(
      `queries: ${tags} tags in ${model.sites.length} site(s) after ${round((performance.now() - began) / 1000, 1)} s; writing ${POINTS} points (one every ${stepMs / 1000} s per tag)`,
    );
    const sites = await fillStore(duckDbPath(env), model.tenantId, model.sites, stepMs);
    progress(`queries: points stored after ${round((performance.now() - began) / 1000, 1)} s`);
    return {
      tags,
      stepMs,
      end: START_MS + (POINTS / tags) * stepMs,
      dataDir,
      env,
      tenantId: model.tenantId,
      email: model.email,
      sites,
      remove,
    };
  } catch (error) {
    await runtime?.close().catch(() => undefined);
    await remove();
    throw error;
  }
}

/** The prepared data with a runtime started on it, logged in; close() stops it and removes the folder. */
export async function buildQueryDataSet(tags: number): Promise<QueryDataSet> {
  const prepared = await prepareQueryData(tags);
  let runtime: LocalRuntime | undefined;
  try {
    runtime = await startOn(prepared.env);
    const token = await logIn(runtime.apiUrl, prepared.email);
    const opened = runtime;
    return {
      tags,
      stepMs: prepared.stepMs,
      end: prepared.end,
      tenantId: prepared.tenantId,
      runtime: opened,
      token,
      sites: prepared.sites,
      valueSql: VALUE_SQL,
      async close() {
        try {
          await opened.close();
        } finally {
          await prepared.remove();
        }
      },
    };
  } catch (error) {
    await runtime?.close().catch(() => undefined);
    await prepared.remove();
    throw error;
  }
}
