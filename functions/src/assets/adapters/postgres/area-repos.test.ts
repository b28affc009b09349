// People and paging by area (ADR 0042) on PGlite and on the PostgreSQL server: a user's areas with
// their sites, gone with the asset; the assets an alarm sits in, with their ancestors and attached
// policies; a policy an area names cannot be deleted; one user per contact; row-level security.
import { randomUUID } from 'node:crypto';
import { createAlarmRuleSchema } from '@plantwatch/shared';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigStore, createPostgresConfigStore } from '../../../compose/config-store.ts';
import { newTestPlant, testOpcuaConnection, testOpcuaTag, testTagId } from '../../../plant/testing/plant.ts';
import type { ConfigDatabase } from '../../../platform/database/database.ts';
import { configDatabaseTargets } from '../../../platform/testing/config-databases.ts';
import { alarmAssetIds, alarmAssetPath, areaPolicyOf } from '../../area-rules.ts';
import { newAssetRecord } from '../../testing.ts';

const at = new Date('2026-12-01T08:00:00Z');

describe.each(configDatabaseTargets)('area repositories on $name', (target) => {
  let database: ConfigDatabase;
  let store: ConfigStore;

  beforeAll(async () => {
    database = await target.open({ maxConnections: 2 });
    store = createPostgresConfigStore(database.db, () => database.close());
  }, 60_000);
  afterAll(async () => {
    await store.close();
  });

  /** Inlet works / Pumping / Pump 1 (reading the current tag, with a rule made for it) and Screening. */
  async function plantOf(label: string) {
    const plant = await newTestPlant(store, {
      label,
      timeZone: 'UTC',
      devices: [
        { key: 'plc-1', name: 'PLC', connection: testOpcuaConnection, tags: [testOpcuaTag('current', 'A')] },
      ],
    });
    const { tenantId, siteId } = plant;
    const current = testTagId(plant, 'current');
    return store.inTenant(tenantId, async (repos) => {
      const works = await repos.assets.insert(newAssetRecord(siteId, 'Inlet works', null), at);
      const pumping = await repos.assets.insert(newAssetRecord(siteId, 'Pumping', works.id), at);
      const pump = await repos.assets.insert(
        newAssetRecord(siteId, 'Pump 1', pumping.id, {
          measurements: [{ name: 'Current', unit: 'A', tagId: current }],
        }),
        at,
      );
      const screening = await repos.assets.insert(newAssetRecord(siteId, 'Screening', null), at);
      const rule = await repos.alarmRules.create({
        ...createAlarmRuleSchema.parse({
          kind: 'comparison',
          tagId: current,
          name: 'Motor current high',
          severity: 'medium',
          op: '>',
          value: 45,
        }),
        id: randomUUID(),
        siteId,
        tagId: current,
      });
      const contact = await repos.contacts.create({
        id: randomUUID(),
        name: 'Olga Operator',
        channels: [{ type: 'sms', address: '+447700900123' }],
      });
      const policy = await repos.escalationPolicies.create({
        id: randomUUID(),
        name: 'Inlet works on call',
        repeat: 0,
        repeatBackoff: null,
        levels: [{ delayMinutes: 0, targets: [{ type: 'contact', contactId: contact.id }] }],
      });
      const user = await repos.users.insertInvited({
        id: randomUUID(),
        email: `olga-${randomUUID()}@example.com`,
        name: 'Olga Operator',
        role: 'operator',
        siteIds: [],
        inviteTokenHash: `hash-${randomUUID()}`,
        inviteExpiresAt: new Date(Date.now() + 3_600_000),
      });
      return {
        tenantId,
        siteId,
        current,
        works,
        pumping,
        pump,
        screening,
        rule,
        contact,
        policy,
        user,
      };
    });
  }

  it("keeps a user's areas with their sites, and drops an area when its asset is deleted", async () => {
    const a = await plantOf('area-user');
    const seen = await store.inTenant(a.tenantId, async (repos) => {
      await repos.areas.setForUser(a.user.id, [a.works.id, a.screening.id, a.works.id]);
      return { mine: await repos.areas.ofUser(a.user.id), all: await repos.areas.byUser() };
    });
    expect(seen.mine).toEqual(
      [a.works.id, a.screening.id].sort().map((assetId) => ({ assetId, siteId: a.siteId })),
    );
    expect(seen.all.get(a.user.id)).toEqual([a.works.id, a.screening.id].sort());
    const after = await store.inTenant(a.tenantId, async (repos) => {
      await repos.assets.removeSubtree(a.screening.id);
      return repos.areas.ofUser(a.user.id);
    });
    expect(after).toEqual([{ assetId: a.works.id, siteId: a.siteId }]);
  });

  it("finds an alarm's assets and ancestors, and the nearest area policy", async () => {
    const a = await plantOf('area-alarm');
    const none = await store.inTenant(a.tenantId, (repos) => repos.areas.ofAlarm(a.rule));
    expect(none.direct).toEqual([a.pump.id]);
    expect([...alarmAssetIds(none)].sort()).toEqual([a.works.id, a.pumping.id, a.pump.id].sort());
    expect(alarmAssetPath(none)).toBe('Inlet works / Pumping / Pump 1');
    expect(areaPolicyOf(none)).toBeNull();

    const withPolicy = await store.inTenant(a.tenantId, async (repos) => {
      await repos.areas.setPolicy(a.works.id, a.policy.id);
      return repos.areas.ofAlarm(a.rule);
    });
    expect(areaPolicyOf(withPolicy)).toEqual({ escalationPolicyId: a.policy.id, assetId: a.works.id });
    expect(await store.inTenant(a.tenantId, (repos) => repos.areas.policyUsage(a.policy.id))).toEqual([
      { id: a.works.id, name: 'Inlet works' },
    ]);
    // the database refuses to delete a policy an area still names
    await expect(
      store.inTenant(a.tenantId, (repos) => repos.escalationPolicies.remove(a.policy.id)),
    ).rejects.toThrow();
    // a rule made for an asset puts its alarms there even without a measurement on its tag
    const made = await store.inTenant(a.tenantId, async (repos) => {
      await repos.assets.linkRule({ ruleId: a.rule.id, assetId: a.screening.id, measurement: 'Current' });
      return repos.areas.ofAlarm(a.rule);
    });
    expect(made.direct.sort()).toEqual([a.pump.id, a.screening.id].sort());
    expect(alarmAssetPath(made)).toBe('Inlet works / Pumping / Pump 1');
    await store.inTenant(a.tenantId, (repos) => repos.areas.setPolicy(a.works.id, null));
    expect(await store.inTenant(a.tenantId, (repos) => repos.areas.policies())).toEqual([]);
  });

  it('links one contact to one user at most', async () => {
    const a = await plantOf('area-contact');
    const other = await store.inTenant(a.tenantId, (repos) =>
      repos.users.insertInvited({
        id: randomUUID(),
        email: `victor-${randomUUID()}@example.com`,
        name: 'Victor Viewer',
        role: 'viewer',
        siteIds: null,
        inviteTokenHash: `hash-${randomUUID()}`,
        inviteExpiresAt: new Date(Date.now() + 3_600_000),
      }),
    );
    await store.inTenant(a.tenantId, (repos) => repos.areas.setContact(a.user.id, a.contact.id));
    await expect(
      store.inTenant(a.tenantId, (repos) => repos.areas.setContact(other.id, a.contact.id)),
    ).rejects.toThrow('contactId: this contact is already linked to another user');
    expect(await store.inTenant(a.tenantId, (repos) => repos.areas.contactLinks())).toEqual([
      { userId: a.user.id, contactId: a.contact.id },
    ]);
  });

  it("refuses another tenant's assets, contacts and policies, and shows none of its rows (row-level security)", async () => {
    const a = await plantOf('area-rls-a');
    const b = await plantOf('area-rls-b');
    await store.inTenant(a.tenantId, async (repos) => {
      await repos.areas.setForUser(a.user.id, [a.works.id]);
      await repos.areas.setContact(a.user.id, a.contact.id);
      await repos.areas.setPolicy(a.works.id, a.policy.id);
    });
    await expect(
      store.inTenant(b.tenantId, (repos) => repos.areas.setForUser(b.user.id, [a.works.id])),
    ).rejects.toThrow('assetIds: asset not found');
    await expect(
      store.inTenant(b.tenantId, (repos) => repos.areas.setContact(b.user.id, a.contact.id)),
    ).rejects.toThrow('contactId: contact not found');
    await expect(
      store.inTenant(b.tenantId, (repos) => repos.areas.setPolicy(b.works.id, a.policy.id)),
    ).rejects.toThrow('escalationPolicyId: escalation policy not found');
    const seen = await store.inTenant(b.tenantId, async (repos) => ({
      mine: await repos.areas.ofUser(a.user.id),
      all: [...(await repos.areas.byUser()).keys()],
      links: await repos.areas.contactLinks(),
      policies: await repos.areas.policies(),
      alarm: await repos.areas.ofAlarm(a.rule),
    }));
    expect(seen).toEqual({ mine: [], all: [], links: [], policies: [], alarm: { direct: [], nodes: [] } });
    const counts = await database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('app.tenant_id', ${b.tenantId}, true)`);
      const result = (await tx.execute(sql`
        select (select count(*)::int from user_asset_scopes where tenant_id = ${a.tenantId}) as scopes,
               (select count(*)::int from user_contacts where tenant_id = ${a.tenantId}) as links,
               (select count(*)::int from asset_escalation_policies where tenant_id = ${a.tenantId}) as policies`)) as {
        rows: { scopes: number; links: number; policies: number }[];
      };
      return result.rows[0];
    });
    expect(counts).toEqual({ scopes: 0, links: 0, policies: 0 });
  });
});
