// A request-level stand-in for Timestream (WriteRecords and the queries the adapter sends), for tests:
// WriteRecords follows the documented rules (≤100 records, memory-store retention, first version
// wins, a different value with the same version is rejected with ExistingVersion); queries are read
// back from the SQL text the adapter produces and answered from the stored records, with scheduled-query
// rollup tables computed from the raw records (up to `rollupsCoverUntil`, where the last run stopped).
import { QueryCommand, type QueryCommandOutput } from '@aws-sdk/client-timestream-query';
import {
  type _Record,
  RejectedRecordsException,
  WriteRecordsCommand,
  type WriteRecordsCommandInput,
} from '@aws-sdk/client-timestream-write';

interface Stored {
  dims: Record<string, string>;
  time: number;
  measures: Record<string, string>;
  version: number;
}

export interface FakeTimestream {
  write: { send(command: unknown): Promise<unknown> };
  query: { send(command: unknown): Promise<unknown> };
  writeRequests: WriteRecordsCommandInput[];
  queryStrings: string[];
  /** Rows per query page, to exercise NextToken. */
  pageSize: number;
  /**
   * What the scheduled queries have rolled up so far: the rollup tables (`…_1m`, `…_1h`) answer from
   * raw records older than this, as if the last run had started then (its current bucket partial).
   * Unset, they hold everything.
   */
  rollupsCoverUntil: number;
}

function merged(common: _Record | undefined, record: _Record): Stored {
  const dims: Record<string, string> = {};
  for (const d of [...(common?.Dimensions ?? []), ...(record.Dimensions ?? [])])
    dims[d.Name ?? ''] = d.Value ?? '';
  const measures: Record<string, string> = {};
  for (const m of record.MeasureValues ?? common?.MeasureValues ?? []) measures[m.Name ?? ''] = m.Value ?? '';
  return {
    dims,
    time: Number(record.Time ?? common?.Time),
    measures,
    version: Number(record.Version ?? common?.Version ?? 1),
  };
}

type Agg = Record<string, number | string | null>;

function aggregate(records: Stored[], widthMs: number): Map<string, Agg> {
  const groups = new Map<string, Stored[]>();
  for (const r of records) {
    if (r.measures.quality !== '0') continue;
    const bucket = Math.floor(r.time / widthMs) * widthMs;
    const key = `${r.dims.gateway_id}/${r.dims.device_key}/${r.dims.tag_key}/${bucket}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const out = new Map<string, Agg>();
  for (const [key, rows] of groups) {
    rows.sort((x, y) => x.time - y.time);
    const numbers = rows.filter((r) => r.measures.kind === '0').map((r) => Number(r.measures.num));
    const first = rows[0] as Stored;
    const last = rows[rows.length - 1] as Stored;
    out.set(key, {
      gateway_id: first.dims.gateway_id ?? '',
      device_key: first.dims.device_key ?? '',
      tag_key: first.dims.tag_key ?? '',
      bucket: Math.floor(first.time / widthMs) * widthMs,
      cnt: rows.length,
      num_cnt: numbers.length,
      sum: numbers.length ? numbers.reduce((a, b) => a + b, 0) : null,
      min: numbers.length ? Math.min(...numbers) : null,
      max: numbers.length ? Math.max(...numbers) : null,
      first_kind: first.measures.kind ?? null,
      first_num: first.measures.num ?? null,
      first_txt: first.measures.txt ?? null,
      last_kind: last.measures.kind ?? null,
      last_num: last.measures.num ?? null,
      last_txt: last.measures.txt ?? null,
    });
  }
  return out;
}

export function createFakeTimestream(config: {
  now: () => number;
  memoryStoreRetentionMs: number;
}): FakeTimestream {
  const records = new Map<string, Stored>();
  const identity = (r: Stored) =>
    `${Object.entries(r.dims)
      .sort()
      .map(([k, v]) => `${k}=${v}`)
      .join(',')}@${r.time}`;

  const fake: FakeTimestream = {
    writeRequests: [],
    queryStrings: [],
    pageSize: 1000,
    rollupsCoverUntil: Number.POSITIVE_INFINITY,
    write: {
      async send(command) {
        if (!(command instanceof WriteRecordsCommand)) throw new Error('unexpected write command');
        const input = command.input;
        fake.writeRequests.push(structuredClone(input));
        const batch = input.Records ?? [];
        if (batch.length > 100) throw new Error('ValidationException: at most 100 records per WriteRecords');
        const rejected: { RecordIndex: number; Reason: string; ExistingVersion?: number }[] = [];
        let ingested = 0;
        batch.forEach((record, index) => {
          const stored = merged(input.CommonAttributes, record);
          if (stored.time < config.now() - config.memoryStoreRetentionMs) {
            rejected.push({
              RecordIndex: index,
              Reason: 'The record timestamp is outside the time range of the data ingestion window.',
            });
            return;
          }
          const existing = records.get(identity(stored));
          if (existing && JSON.stringify(existing.measures) !== JSON.stringify(stored.measures)) {
            if (stored.version <= existing.version) {
              rejected.push({
                RecordIndex: index,
                Reason:
                  'A record with the same dimensions, timestamp and measure name but different values exists.',
                ExistingVersion: existing.version,
              });
              return;
            }
          }
          records.set(identity(stored), existing && stored.version <= existing.version ? existing : stored);
          ingested += 1;
        });
        if (rejected.length > 0) {
          throw new RejectedRecordsException({
            message: 'One or more records have been rejected',
            $metadata: {},
            RejectedRecords: rejected,
          });
        }
        return {
          RecordsIngested: { Total: ingested, MemoryStore: ingested, MagneticStore: 0 },
          $metadata: {},
        };
      },
    },
    query: {
      async send(command) {
        if (!(command instanceof QueryCommand)) throw new Error('unexpected query command');
        const sql = command.input.QueryString ?? '';
        if (!command.input.NextToken) fake.queryStrings.push(sql);
        const rows = answer(sql);
        const offset = Number(command.input.NextToken ?? 0);
        const page = rows.slice(offset, offset + fake.pageSize);
        const names = Object.keys(rows[0] ?? {});
        const output: QueryCommandOutput = {
          $metadata: {},
          QueryId: 'fake',
          ColumnInfo: names.map((Name) => ({ Name, Type: { ScalarType: 'VARCHAR' } })),
          Rows: page.map((row) => ({
            Data: names.map((name) =>
              row[name] === null || row[name] === undefined
                ? { NullValue: true }
                : { ScalarValue: String(row[name]) },
            ),
          })),
          ...(offset + fake.pageSize < rows.length ? { NextToken: String(offset + fake.pageSize) } : {}),
        };
        return output;
      },
    },
  };

  function answer(sql: string): Agg[] {
    const tenant = /tenant_id = '([^']*)'/.exec(sql)?.[1];
    const refs = [
      ...sql.matchAll(/gateway_id = '([^']*)' AND device_key = '([^']*)' AND tag_key = '([^']*)'/g),
    ].map((m) => `${m[1]}/${m[2]}/${m[3]}`);
    const from = Number(/time >= from_milliseconds\((\d+)\)/.exec(sql)?.[1] ?? 0);
    const to = Number(/time < from_milliseconds\((\d+)\)/.exec(sql)?.[1] ?? Number.MAX_SAFE_INTEGER);
    const matching = [...records.values()].filter(
      (r) =>
        r.dims.tenant_id === tenant &&
        refs.includes(`${r.dims.gateway_id}/${r.dims.device_key}/${r.dims.tag_key}`) &&
        r.time >= from &&
        r.time < to &&
        (!/FROM "[^"]*"\."[^"]*_1[mh]"/.test(sql) || r.time < fake.rollupsCoverUntil),
    );
    const width = /bin\(time, (\d+)ms\)/.exec(sql)?.[1];
    if (width) {
      // Raw and rollup queries give the same answer: the rollup tables hold what the scheduled queries compute.
      return [...aggregate(matching, Number(width)).values()].sort(
        (x, y) => Number(x.bucket) - Number(y.bucket),
      );
    }
    if (sql.includes('max(time)')) {
      const newest = new Map<string, Stored>();
      for (const r of matching) {
        const key = `${r.dims.gateway_id}/${r.dims.device_key}/${r.dims.tag_key}`;
        if ((newest.get(key)?.time ?? -1) < r.time) newest.set(key, r);
      }
      return [...newest.values()].map((r) => ({
        gateway_id: r.dims.gateway_id ?? '',
        device_key: r.dims.device_key ?? '',
        tag_key: r.dims.tag_key ?? '',
        ts: r.time,
        kind: r.measures.kind ?? null,
        num: r.measures.num ?? null,
        txt: r.measures.txt ?? null,
        quality: r.measures.quality ?? null,
      }));
    }
    const limit = Number(/LIMIT (\d+)/.exec(sql)?.[1] ?? Number.MAX_SAFE_INTEGER);
    return matching
      .sort((x, y) => x.time - y.time)
      .slice(0, limit)
      .map((r) => ({
        ts: r.time,
        kind: r.measures.kind ?? null,
        num: r.measures.num ?? null,
        txt: r.measures.txt ?? null,
        quality: r.measures.quality ?? null,
      }));
  }

  return fake;
}
