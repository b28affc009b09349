// The report repositories on PGlite and real PostgreSQL: tenant isolation by row-level security,
// the slot compare-and-set, and the scheduler's cross-tenant index (a SECURITY DEFINER function).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigStore, createPostgresConfigStore } from '../../../compose/config-store.ts';
import type { ConfigDatabase } from '../../../platform/database/database.ts';
import { configDatabaseTargets } from '../../../platform/testing/config-databases.ts';
import { newTestTenant } from '../../../platform/testing/tenants.ts';
import { testReport } from '../../testing/report-record.ts';
import { createReportScheduleIndex } from './reports-repos.ts';

const newTenant = async (store: ConfigStore) => (await newTestTenant(store)).tenantId;

const report = testReport;

describe.each(configDatabaseTargets)('report repositories on $name', (target) => {
  let database: ConfigDatabase;
  let store: ConfigStore;

  beforeAll(async () => {
    database = await target.open();
    store = createPostgresConfigStore(database.db, () => database.close());
  }, 60_000);
  afterAll(async () => {
    await store.close();
  });

  it("keeps each tenant's reports and runs to itself", async () => {
    const a = await newTenant(store);
    const b = await newTenant(store);
    const created = await store.inTenant(a, (repos) => repos.reports.create(report()));
    const run = await store.inTenant(a, (repos) =>
      repos.reportRuns.create({
        id: randomUUID(),
        reportId: created.id,
        trigger: 'manual',
        requestedBy: { type: 'user', id: randomUUID() },
        slotAt: null,
        periodFrom: new Date('2026-01-05T00:00:00Z'),
        periodTo: new Date('2026-01-12T00:00:00Z'),
        status: 'queued',
        files: [],
        delivery: null,
        error: null,
        createdAt: new Date(),
        startedAt: null,
        finishedAt: null,
      }),
    );
    expect(await store.inTenant(b, (repos) => repos.reports.get(created.id))).toBeNull();
    expect(await store.inTenant(b, (repos) => repos.reportRuns.get(run.id))).toBeNull();
    expect(await store.inTenant(b, (repos) => repos.reports.remove(created.id))).toBe(false);
    expect((await store.inTenant(a, (repos) => repos.reports.get(created.id)))?.name).toBe('Weekly');
  });

  it('lets exactly one caller claim a slot', async () => {
    const tenant = await newTenant(store);
    const created = await store.inTenant(tenant, (repos) => repos.reports.create(report()));
    const slot = new Date('2026-01-12T06:00:00Z');
    const claims = await Promise.all(
      [1, 2, 3].map(() =>
        store.inTenant(tenant, (repos) => repos.reports.claimSlot(created.id, created.lastSlotAt, slot)),
      ),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect((await store.inTenant(tenant, (repos) => repos.reports.get(created.id)))?.lastSlotAt).toEqual(
      slot,
    );
  });

  it("lists every tenant's enabled reports for the scheduler, and nothing else about them", async () => {
    const a = await newTenant(store);
    const b = await newTenant(store);
    const onA = await store.inTenant(a, (repos) => repos.reports.create(report()));
    const onB = await store.inTenant(b, (repos) =>
      repos.reports.create(report({ timeZone: 'America/Chicago' })),
    );
    const off = await store.inTenant(b, (repos) => repos.reports.create(report({ enabled: false })));
    const listed = await createReportScheduleIndex(database.db).listEnabled();
    const mine = listed.filter((ref) => [onA.id, onB.id, off.id].includes(ref.reportId));
    expect(mine).toHaveLength(2);
    expect(mine).toContainEqual({
      tenantId: b,
      reportId: onB.id,
      schedule: { kind: 'weekly', at: '06:00', dayOfWeek: 1 },
      timeZone: 'America/Chicago',
      lastSlotAt: new Date('2026-01-05T06:00:00Z'),
    });
  });
});
