// People and paging by area over the real config store (PGlite), use-case by use-case (ADR 0042): a
// user limited to Inlet works through updateUser, what such a principal reads of alarms and assets,
// the area's policy chosen when an alarm is raised, and the escalation world skipping a linked
// contact for an alarm outside the user's area, saying why.
import { type AlarmEvent, createAlarmRuleSchema, InvalidInputError, NotFoundError } from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateUser } from '../accounts/users.ts';
import * as alarms from '../alarms/alarms.ts';
import { escalationIntentsFor } from '../alarms/intents.ts';
import type { ConfigStore } from '../compose/config-store.ts';
import { createConfigStoreEscalationWorld } from '../escalation/world.ts';
import * as people from '../people/people.ts';
import * as plant from '../plant/plant.ts';
import { modbusTag, openPlantTestbed, type PlantUseCases } from '../plant/testing/use-cases.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import type { Principal } from '../platform/principal.ts';
import * as assets from './assets.ts';
import { assetDefaults } from './testing.ts';

describe('people and paging by area', () => {
  let store: ConfigStore;
  let harness: PlantUseCases;
  const clock = { now: () => new Date() };

  beforeAll(async () => {
    ({ store, harness } = await openPlantTestbed());
  });
  afterAll(async () => {
    await store.close();
  });

  /** Inlet works / Pump 1 (its current) and Screening (the screen's dP), a rule on each, Olga and Mo. */
  async function station(label: string) {
    const { engineer, site, gateway } = await harness.newSite(label);
    const owner: Principal = { ...engineer, role: 'owner' };
    const deps = { store, ids: uuidV7Ids, clock };
    const plc = await harness.newModbusDevice(engineer, gateway.id, 'plc-1');
    const current = await plant.createTag(harness.deps, engineer, {
      deviceId: plc.id,
      ...modbusTag('current', 1),
    });
    const dp = await plant.createTag(harness.deps, engineer, {
      deviceId: plc.id,
      ...modbusTag('screen_dp', 2),
    });
    const works = await assets.createAsset(deps, engineer, {
      ...assetDefaults,
      siteId: site.id,
      name: 'Inlet works',
    });
    const pump = await assets.createAsset(deps, engineer, {
      ...assetDefaults,
      siteId: site.id,
      parentId: works.id,
      name: 'Pump 1',
      measurements: [{ name: 'Motor current', unit: 'A', tagId: current.id }],
    });
    const screening = await assets.createAsset(deps, engineer, {
      ...assetDefaults,
      siteId: site.id,
      name: 'Screening',
      measurements: [{ name: 'dP', unit: 'mbar', tagId: dp.id }],
    });
    const contact = (name: string, address: string) =>
      people.createContact(deps, engineer, { name, channels: [{ type: 'sms', address }], language: 'en-GB' });
    const olga = await contact('Olga Operator', '+447700900201');
    const mo = await contact('Mo Manager', '+447700900202');
    const policy = (name: string) =>
      people.createEscalationPolicy(deps, engineer, {
        name,
        repeat: 0,
        repeatBackoff: null,
        levels: [
          {
            delayMinutes: 0,
            targets: [
              { type: 'contact', contactId: olga.id },
              { type: 'contact', contactId: mo.id },
            ],
          },
        ],
      });
    const siteWide = await policy('Site on call');
    const inletWorks = await policy('Inlet works on call');
    const rule = (tagId: string, name: string) =>
      alarms.createAlarmRule(
        deps,
        engineer,
        createAlarmRuleSchema.parse({
          kind: 'comparison',
          tagId,
          name,
          severity: 'medium',
          op: '>',
          value: 45,
          escalationPolicyId: siteWide.id,
        }),
      );
    const motorRule = await rule(current.id, 'Motor current high');
    const screenRule = await rule(dp.id, 'Screen dP high');
    const olgaUser = await store.inTenant(engineer.tenantId, (repos) =>
      repos.users.insertInvited({
        id: uuidV7Ids.newId(),
        email: `olga-${label}@example.com`,
        name: 'Olga Operator',
        role: 'operator',
        siteIds: [],
        inviteTokenHash: `hash-${uuidV7Ids.newId()}`,
        inviteExpiresAt: new Date(Date.now() + 3_600_000),
      }),
    );
    return {
      engineer,
      owner,
      site,
      works,
      pump,
      screening,
      olga,
      mo,
      siteWide,
      inletWorks,
      motorRule,
      screenRule,
      olgaUser,
    };
  }

  it('limits a user to areas through updateUser, refusing what cannot be', async () => {
    const s = await station('area-user');
    const deps = { store, clock, ids: uuidV7Ids, inviteTtlMs: 3_600_000 };
    const limited = await updateUser(deps, s.owner, s.olgaUser.id, {
      assetIds: [s.works.id],
      contactId: s.olga.id,
    });
    expect(limited).toMatchObject({ siteIds: [], assetIds: [s.works.id], contactId: s.olga.id });
    await expect(updateUser(deps, s.owner, s.olgaUser.id, { role: 'engineer' })).rejects.toThrow(
      InvalidInputError,
    );
    await expect(updateUser(deps, s.owner, s.olgaUser.id, { siteIds: null })).rejects.toThrow(
      'siteIds: a user limited to areas needs siteIds as a list',
    );
    const other = await station('area-user-other');
    await expect(updateUser(deps, s.owner, s.olgaUser.id, { assetIds: [other.works.id] })).rejects.toThrow(
      'assetIds.0: asset not found',
    );
    await expect(updateUser(deps, s.owner, s.olgaUser.id, { contactId: other.olga.id })).rejects.toThrow(
      'contactId: contact not found',
    );
  });

  it('shows a principal limited to Inlet works only its rules, alarms and assets', async () => {
    const s = await station('area-reads');
    const olga: Principal = {
      ...s.engineer,
      role: 'operator',
      userId: s.olgaUser.id,
      siteIds: [s.site.id],
      areas: { wholeSiteIds: [], assetIds: [s.works.id] },
    };
    const deps = { store, ids: uuidV7Ids, clock };
    expect((await alarms.listAlarmRules(deps, olga, {})).map((r) => r.name)).toEqual(['Motor current high']);
    await expect(alarms.getAlarmRule(deps, olga, s.screenRule.id)).rejects.toThrow(NotFoundError);
    const tree = await assets.getAssetTree(deps, olga, s.site.id);
    expect(tree.assets.map((n) => n.name)).toEqual(['Inlet works']);
    expect((await assets.listAssets(deps, olga, s.site.id)).map((a) => a.name).sort()).toEqual([
      'Inlet works',
      'Pump 1',
    ]);
    await expect(assets.getAsset(deps, olga, s.screening.id)).rejects.toThrow(NotFoundError);
    expect((await assets.getAsset(deps, olga, s.pump.id)).name).toBe('Pump 1');
  });

  it("pages an area's alarm through the area's policy, and skips a contact outside it, saying why", async () => {
    const s = await station('area-paging');
    const deps = { store, clock, ids: uuidV7Ids, inviteTtlMs: 3_600_000 };
    await updateUser(deps, s.owner, s.olgaUser.id, { assetIds: [s.works.id], contactId: s.olga.id });
    await store.inTenant(s.engineer.tenantId, (repos) => repos.areas.setPolicy(s.works.id, s.inletWorks.id));
    const raised = (ruleId: string): AlarmEvent => ({
      id: uuidV7Ids.newId(),
      tenantId: s.engineer.tenantId,
      alarmId: uuidV7Ids.newId(),
      ruleId,
      siteId: s.site.id,
      at: new Date().toISOString(),
      from: 'normal',
      to: 'active-unacked',
      kind: 'raised',
      by: { type: 'system' },
      channel: 'system',
    });
    const policyOf = (rule: typeof s.motorRule) =>
      store.inTenant(s.engineer.tenantId, async (repos) => {
        const { intents } = await escalationIntentsFor(
          repos,
          { ids: uuidV7Ids, tenantId: s.engineer.tenantId },
          rule,
          [raised(rule.id)],
        );
        return intents.map((intent) => intent.policyId);
      });
    expect(await policyOf(s.motorRule)).toEqual([s.inletWorks.id]);
    expect(await policyOf(s.screenRule)).toEqual([s.siteWide.id]);

    const world = createConfigStoreEscalationWorld({ store, ids: uuidV7Ids });
    const level = {
      delaySeconds: 0,
      targets: [
        { type: 'contact' as const, contactId: s.olga.id },
        { type: 'contact' as const, contactId: s.mo.id },
      ],
    };
    const forScreens = await world.recipients(s.engineer.tenantId, level, new Date(), {
      ruleId: s.screenRule.id,
      siteId: s.site.id,
    });
    expect(forScreens.recipients.map((r) => r.name)).toEqual(['Mo Manager']);
    expect(forScreens.unresolved).toEqual([
      `Olga Operator (${s.olga.id}) not paged: Olga Operator is limited to areas this alarm is not in`,
    ]);
    const forPump = await world.recipients(s.engineer.tenantId, level, new Date(), {
      ruleId: s.motorRule.id,
      siteId: s.site.id,
    });
    expect(forPump.recipients.map((r) => r.name)).toEqual(['Olga Operator', 'Mo Manager']);
    expect(forPump.unresolved).toEqual([]);
  });
});
