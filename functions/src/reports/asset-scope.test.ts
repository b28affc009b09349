// Reports and the telemetry CSV export by asset subtree (issue 21), over the real config store
// (PGlite) and a telemetry store that answers from memory: a report scoped to an area has one table
// per asset under it, headed by the asset's path, rows named by measurement (CSV and PDF); the export
// of an area's samples ends each row with the asset path and measurement; another tenant's asset is
// not found; deleting an asset a report covers is refused, naming the report.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ConflictError, NotFoundError } from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as assets from '../assets/assets.ts';
import type { ConfigStore } from '../compose/config-store.ts';
import * as plant from '../plant/plant.ts';
import { modbusTag, openPlantTestbed, type PlantUseCases } from '../plant/testing/use-cases.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import type { TelemetryStore } from '../telemetry/ports.ts';
import { exportCsv } from '../telemetry/telemetry.ts';
import { renderCsv } from './csv.ts';
import { collectReportData } from './data.ts';
import { createReport, type ReportUseCaseDeps } from './definitions.ts';
import type { ReportDeps } from './job.ts';
import { renderPdf } from './pdf.ts';

const run = promisify(execFile);
const FROM = Date.parse('2026-03-02T00:00:00Z');
const HOUR = 3_600_000;

/** Every tag read 10, 20 and 30 at the first three hours; series answers one bucket per hour. */
const telemetry = {
  kind: 'postgres',
  maxPointAgeMs: Number.POSITIVE_INFINITY,
  async series(_tenantId: string, query: { tagRefs: readonly unknown[] }) {
    return query.tagRefs.map((tagRef) => ({
      tagRef,
      bucketMs: HOUR,
      buckets: [10, 20, 30].map((v, i) => ({
        ts: FROM + i * HOUR,
        avg: v,
        min: v,
        max: v,
        first: v,
        last: v,
        count: 1,
      })),
    }));
  },
  async range(_tenantId: string, _ref: unknown, from: number, to: number) {
    return [10, 20, 30]
      .map((value, i) => ({ ts: FROM + i * HOUR, value, quality: 'good' as const }))
      .filter((s) => s.ts >= from && s.ts < to);
  },
} as unknown as TelemetryStore;

const attributes = { make: '', model: '', serial: '', installDate: null, documents: [] };

describe('reports and exports by asset subtree', () => {
  let store: ConfigStore;
  let harness: PlantUseCases;
  let dir: string;

  beforeAll(async () => {
    ({ store, harness } = await openPlantTestbed());
    dir = await mkdtemp(join(tmpdir(), 'plantwatch-asset-report-'));
  });
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const assetDeps = () => ({ store, ids: uuidV7Ids, clock: { now: () => new Date() } });
  const reportDeps = (): ReportUseCaseDeps => ({
    store,
    ids: uuidV7Ids,
    clock: { now: () => new Date() },
    reports: {} as ReportDeps,
  });

  async function inletWorks(label: string) {
    const { engineer, site, gateway } = await harness.newSite(label);
    const plc = await harness.newModbusDevice(engineer, gateway.id, 'plc-1');
    const tag = (key: string, address: number) =>
      plant.createTag(harness.deps, engineer, { deviceId: plc.id, ...modbusTag(key, address) });
    const current = await tag('pump1_current', 1);
    const level = await tag('well_level', 2);
    await tag('unrelated', 3);
    const create = (
      name: string,
      parentId: string | null,
      measurements: { name: string; unit: string; tagId: string }[],
    ) =>
      assets.createAsset(assetDeps(), engineer, {
        ...attributes,
        siteId: site.id,
        parentId,
        name,
        level: '',
        measurements,
      });
    const area = await create('Inlet works', null, []);
    const pump = await create('Pump 1', area.id, [{ name: 'Motor current', unit: 'A', tagId: current.id }]);
    const well = await create('Wet well', area.id, [
      { name: 'Level', unit: 'm', tagId: level.id },
      { name: 'Pump current', unit: 'A', tagId: current.id },
    ]);
    return { engineer, site, area, pump, well, current, level };
  }

  it('renders a report scoped to an area with one table per asset, headed by its path', async () => {
    const { engineer, area, current, level } = await inletWorks('asset-report');
    const report = await createReport(reportDeps(), engineer, {
      name: 'Inlet works daily',
      scope: { siteIds: [], deviceIds: [], tagIds: [], assetIds: [area.id] },
      period: 'last-day',
      bucket: 'hour',
      metrics: ['avg'],
      sections: ['table'],
      formats: ['csv'],
      recipients: ['ops@example.com'],
      schedule: { kind: 'daily', at: '06:00' },
      enabled: true,
    });
    expect(report.scope.assetIds).toEqual([area.id]);
    const stored = await store.inTenant(engineer.tenantId, (repos) => repos.reports.get(report.id));
    if (!stored) throw new Error('report not stored');
    const data = await collectReportData(
      { store, telemetry },
      engineer.tenantId,
      stored,
      { from: FROM, to: FROM + 24 * HOUR },
      Date.now(),
    );
    expect(data.devices.map((d) => [d.name, d.tags.map((t) => [t.name, t.unit, t.id])])).toEqual([
      ['Inlet works / Pump 1', [['Motor current', 'A', current.id]]],
      [
        'Inlet works / Wet well',
        [
          ['Level', 'm', level.id],
          ['Pump current', 'A', current.id],
        ],
      ],
    ]);
    const csv = renderCsv(data).toString('utf8');
    expect(csv).toContain(',North,Inlet works / Wet well,Level,');
    expect(csv).not.toContain('unrelated');
    const file = join(dir, 'asset-report.pdf');
    await writeFile(file, await renderPdf(data));
    const { stdout } = await run('pdftotext', ['-layout', file, '-']);
    expect(stdout).toContain('Inlet works / Pump 1: avg per hour');
    expect(stdout).toContain('Inlet works / Wet well: avg per hour');

    // the area cannot be deleted from under the report
    const refused = assets.deleteAsset(assetDeps(), engineer, area.id);
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toThrow(/report "Inlet works daily" covers it/);
  });

  it('exports the samples of an area with the asset path and measurement on each row', async () => {
    const { engineer, area, current } = await inletWorks('asset-export');
    let text = '';
    const range = { from: FROM, to: FROM + 2 * HOUR };
    for await (const chunk of await exportCsv({ store, telemetry }, engineer, { assetId: area.id, ...range }))
      text += chunk;
    expect(text.split('\n')).toEqual([
      'time,tag_id,device,tag,value,quality,asset,measurement',
      `2026-03-02T00:00:00.000Z,${current.id},plc-1,pump1_current,10,good,Inlet works / Pump 1,Motor current`,
      `2026-03-02T01:00:00.000Z,${current.id},plc-1,pump1_current,20,good,Inlet works / Pump 1,Motor current`,
      expect.stringMatching(/,well_level,10,good,Inlet works \/ Wet well,Level$/),
      expect.stringMatching(/,well_level,20,good,Inlet works \/ Wet well,Level$/),
      `2026-03-02T00:00:00.000Z,${current.id},plc-1,pump1_current,10,good,Inlet works / Wet well,Pump current`,
      `2026-03-02T01:00:00.000Z,${current.id},plc-1,pump1_current,20,good,Inlet works / Wet well,Pump current`,
      '',
    ]);
  });

  it("finds nothing of another tenant's asset", async () => {
    const { area } = await inletWorks('asset-scope-a');
    const other = await harness.newSite('asset-scope-b');
    await expect(
      createReport(reportDeps(), other.engineer, {
        name: 'Stolen',
        scope: { siteIds: [], deviceIds: [], tagIds: [], assetIds: [area.id] },
        period: 'last-day',
        bucket: 'hour',
        metrics: ['avg'],
        sections: ['table'],
        formats: ['csv'],
        recipients: ['ops@example.com'],
        schedule: { kind: 'daily', at: '06:00' },
        enabled: true,
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      exportCsv({ store, telemetry }, other.engineer, { assetId: area.id, from: FROM, to: FROM + HOUR }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});
