// biome-ignore-all lint/suspicious/noTemplateCurlyInString: formulas write their references as ${device:tag}
// Reports over derived tags (ADR 0053), on the real config store (PGlite) and a telemetry store that
// answers from memory: a report naming a derived tag reads it under its site's `$derived` name and
// shows it in a "Derived tags" group by its name and unit in CSV, PDF and XLSX; a whole-site report
// includes the site's derived tags; an asset's measurement bound to one is reported; another tenant's
// derived tag is not found.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  type CreateReportSchedule,
  createDerivedTagSchema,
  DERIVED_DEVICE_KEY,
  NotFoundError,
} from '@plantwatch/shared';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as assets from '../assets/assets.ts';
import type { ConfigStore } from '../compose/config-store.ts';
import { createDerivedTag } from '../derived-tags/derived-tags.ts';
import * as plant from '../plant/plant.ts';
import { modbusTag, openPlantTestbed, type PlantUseCases } from '../plant/testing/use-cases.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import type { Principal } from '../platform/principal.ts';
import type { TagRef, TelemetryStore } from '../telemetry/ports.ts';
import { renderCsv } from './csv.ts';
import { collectReportData } from './data.ts';
import { createReport, type ReportUseCaseDeps } from './definitions.ts';
import type { ReportDeps } from './job.ts';
import { renderPdf } from './pdf.ts';
import { renderXlsx } from './xlsx.ts';

const run = promisify(execFile);
const FROM = Date.parse('2026-03-02T00:00:00Z');
const HOUR = 3_600_000;

/** The tags asked for, and three hourly buckets each: 10, 20, 30 for a tag, 1.5, 2.5, 3.5 for a derived tag. */
function memoryTelemetry() {
  const asked: TagRef[] = [];
  const store = {
    kind: 'postgres',
    maxPointAgeMs: Number.POSITIVE_INFINITY,
    async series(_tenantId: string, query: { tagRefs: readonly TagRef[] }) {
      asked.push(...query.tagRefs);
      return query.tagRefs.map((tagRef) => ({
        tagRef,
        bucketMs: HOUR,
        buckets: (tagRef.deviceKey === DERIVED_DEVICE_KEY ? [1.5, 2.5, 3.5] : [10, 20, 30]).map((v, i) => ({
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
  } as unknown as TelemetryStore;
  return { asked, store };
}

const reportBody = (scope: Partial<CreateReportSchedule['scope']>): CreateReportSchedule => ({
  name: 'Discharge main',
  scope: { siteIds: [], deviceIds: [], tagIds: [], assetIds: [], ...scope },
  period: 'last-day',
  bucket: 'hour',
  metrics: ['avg', 'max'],
  sections: ['summary', 'trends', 'table'],
  formats: ['pdf', 'xlsx', 'csv'],
  recipients: ['ops@example.com'],
  schedule: { kind: 'daily', at: '06:00' },
  enabled: true,
});

describe('reports over derived tags', () => {
  let store: ConfigStore;
  let harness: PlantUseCases;
  let dir: string;
  const reportDeps = (): ReportUseCaseDeps => ({
    store,
    ids: uuidV7Ids,
    clock: { now: () => new Date() },
    reports: {} as ReportDeps,
  });

  beforeAll(async () => {
    ({ store, harness } = await openPlantTestbed());
    dir = await mkdtemp(join(tmpdir(), 'plantwatch-derived-report-'));
  });
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A site whose PLC reads the main's two meters, and the flow balance between them. */
  async function dischargeMain(label: string) {
    const { engineer, site, gateway } = await harness.newSite(label);
    const plc = await harness.newModbusDevice(engineer, gateway.id, 'plc-1');
    const inflow = await plant.createTag(harness.deps, engineer, {
      deviceId: plc.id,
      ...modbusTag('flow_out', 12),
    });
    await plant.createTag(harness.deps, engineer, { deviceId: plc.id, ...modbusTag('flow_in', 14) });
    const balance = await createDerivedTag(
      { store, ids: uuidV7Ids, telemetry: { latest: async () => [] } },
      engineer,
      createDerivedTagSchema.parse({
        siteId: site.id,
        key: 'main_balance',
        name: 'Main flow balance',
        formula: '${plc-1:flow_out} - ${plc-1:flow_in}',
        unit: 'L/s',
      }),
    );
    return { engineer, site, inflow, balance };
  }

  async function dataOf(engineer: Principal, reportId: string, telemetry: TelemetryStore) {
    const stored = await store.inTenant(engineer.tenantId, (repos) => repos.reports.get(reportId));
    if (!stored) throw new Error('report not stored');
    return collectReportData(
      { store, telemetry },
      engineer.tenantId,
      stored,
      { from: FROM, to: FROM + 24 * HOUR },
      Date.now(),
    );
  }

  it('reports a derived tag named in its scope by its name and unit, in CSV, PDF and XLSX', async () => {
    const { engineer, site, inflow, balance } = await dischargeMain('derived-report');
    const report = await createReport(
      reportDeps(),
      engineer,
      reportBody({ tagIds: [inflow.id, balance.id] }),
    );
    expect(report.scope.tagIds).toEqual([inflow.id, balance.id]);

    const telemetry = memoryTelemetry();
    const data = await dataOf(engineer, report.id, telemetry.store);
    expect(telemetry.asked).toContainEqual({
      gatewayId: site.id,
      deviceKey: DERIVED_DEVICE_KEY,
      tagKey: 'main_balance',
    });
    expect(data.devices.map((d) => [d.name, d.tags.map((t) => [t.name, t.unit, t.id])])).toEqual([
      ['Derived tags', [['Main flow balance', 'L/s', balance.id]]],
      ['plc-1', [['flow_out', '', inflow.id]]],
    ]);
    const derived = data.devices[0]?.tags[0];
    expect(derived?.summary.avg).toBe(2.5);
    expect(derived?.summary.max).toBe(3.5);

    const csv = renderCsv(data).toString('utf8');
    expect(csv).toContain(`,${site.name},Derived tags,Main flow balance,${balance.id},L/s,1.5,1.5,1.5,`);

    const pdfFile = join(dir, 'derived.pdf');
    await writeFile(pdfFile, await renderPdf(data));
    const { stdout: pdf } = await run('pdftotext', ['-layout', pdfFile, '-']);
    expect(pdf).toContain('Derived tags: avg per hour');
    expect(pdf).toContain('Main flow balance (L/s)');

    const workbook = new ExcelJS.Workbook();
    const xlsx = await renderXlsx(data);
    await workbook.xlsx.load(xlsx as unknown as Parameters<typeof workbook.xlsx.load>[0]);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Summary', 'Derived tags', 'plc-1']);
    const summaryRows = workbook.getWorksheet('Summary')?.getSheetValues() ?? [];
    expect(summaryRows.map((row) => (Array.isArray(row) ? row.slice(1, 5) : []))).toContainEqual([
      site.name,
      'Derived tags',
      'Main flow balance',
      'L/s',
    ]);
    const sheet = workbook.getWorksheet('Derived tags');
    expect(sheet?.getRow(1).values).toContain('Main flow balance avg (L/s)');
  });

  it("includes a site's derived tags in a whole-site report, and an asset's measurement bound to one", async () => {
    const { engineer, site, balance } = await dischargeMain('derived-site-report');
    const whole = await createReport(reportDeps(), engineer, reportBody({ siteIds: [site.id] }));
    const data = await dataOf(engineer, whole.id, memoryTelemetry().store);
    expect(data.devices.map((d) => [d.name, d.tags.map((t) => t.name)])).toEqual([
      ['Derived tags', ['Main flow balance']],
      ['plc-1', ['flow_in', 'flow_out']],
    ]);

    const main = await assets.createAsset(
      { store, ids: uuidV7Ids, clock: { now: () => new Date() } },
      engineer,
      {
        siteId: site.id,
        parentId: null,
        name: 'Discharge main',
        level: '',
        make: '',
        model: '',
        serial: '',
        installDate: null,
        documents: [],
        measurements: [{ name: 'Leak', unit: 'L/s', tagId: balance.id }],
      },
    );
    const byAsset = await createReport(reportDeps(), engineer, reportBody({ assetIds: [main.id] }));
    const assetData = await dataOf(engineer, byAsset.id, memoryTelemetry().store);
    expect(
      assetData.devices.map((d) => [d.name, d.tags.map((t) => [t.name, t.unit, t.summary.avg])]),
    ).toEqual([['Discharge main', [['Leak', 'L/s', 2.5]]]]);
  });

  it("finds nothing of another tenant's derived tag", async () => {
    const { balance } = await dischargeMain('derived-report-a');
    const other = await harness.newSite('derived-report-b');
    await expect(
      createReport(reportDeps(), other.engineer, reportBody({ tagIds: [balance.id] })),
    ).rejects.toThrow(new NotFoundError(`tag ${balance.id} not found`));
  });
});
