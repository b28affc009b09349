import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmRuleRecord } from '../../../alarms/ports.ts';
import { type ConfigStore, createPostgresConfigStore } from '../../../compose/config-store.ts';
import type { ConfigDatabase } from '../../../platform/database/database.ts';
import { configDatabaseTargets } from '../../../platform/testing/config-databases.ts';
import type { EscalationPolicyRecord } from '../../ports.ts';

async function newTenant(store: ConfigStore, label: string) {
  const tenantId = randomUUID();
  await store.createTenant({
    tenant: { id: tenantId, name: `Waterworks ${label}`, timeZone: 'Europe/London' },
    owner: {
      id: randomUUID(),
      email: `${label}-${tenantId}@example.com`,
      name: 'Owner',
      passwordHash: 'scrypt$x',
    },
  });
  return store.inTenant(tenantId, async (repos) => {
    const alice = await repos.contacts.create({
      id: randomUUID(),
      name: 'Alice Shift-Lead',
      channels: [
        { type: 'sms', address: '+447700900123' },
        { type: 'email', address: 'alice@example.com' },
      ],
    });
    const bob = await repos.contacts.create({
      id: randomUUID(),
      name: 'Bob Fitter',
      channels: [{ type: 'voice', address: '+447700900456' }],
    });
    const rotation = await repos.onCallRotations.create({
      id: randomUUID(),
      name: 'Maintenance weekly',
      timeZone: 'Europe/London',
      handoffTime: '08:00',
      period: 'weekly',
      handoffDay: 1,
      members: [alice.id],
      overrides: [{ contactId: bob.id, from: '2026-12-24T08:00:00.000Z', to: '2026-12-27T08:00:00.000Z' }],
    });
    const policy = await repos.escalationPolicies.create({
      id: randomUUID(),
      name: 'Night shift',
      repeat: 2,
      repeatBackoff: { factor: 2, maxDelayMinutes: 60 },
      levels: [
        { delayMinutes: 0, targets: [{ type: 'rotation', rotationId: rotation.id }], channels: ['sms'] },
        { delayMinutes: 10, targets: [{ type: 'contact', contactId: alice.id }] },
      ],
    });
    return { tenantId, alice, bob, rotation, policy };
  });
}

describe.each(configDatabaseTargets)('people repositories on $name', (target) => {
  let database: ConfigDatabase;
  let store: ConfigStore;
  let a: Awaited<ReturnType<typeof newTenant>>;
  let b: Awaited<ReturnType<typeof newTenant>>;

  beforeAll(async () => {
    database = await target.open({ maxConnections: 2 });
    store = createPostgresConfigStore(database.db, () => database.close());
    a = await newTenant(store, 'a');
    b = await newTenant(store, 'b');
  }, 60_000);
  afterAll(async () => {
    await store.close();
  });

  it('reads back contacts, rotations and policies with their lists in order', async () => {
    const read = await store.inTenant(a.tenantId, async (repos) => ({
      contacts: await repos.contacts.list(),
      rotation: await repos.onCallRotations.get(a.rotation.id),
      policies: await repos.escalationPolicies.list(),
    }));
    expect(read.contacts.map((c) => c.name)).toEqual(['Alice Shift-Lead', 'Bob Fitter']);
    expect(read.contacts[0]?.channels).toEqual([
      { type: 'sms', address: '+447700900123' },
      { type: 'email', address: 'alice@example.com' },
    ]);
    expect(read.rotation).toEqual(a.rotation);
    expect(read.rotation).toMatchObject({ tenantId: a.tenantId, handoffDay: 1, members: [a.alice.id] });
    expect(read.policies).toEqual([a.policy]);
    expect(a.policy.levels[0]?.channels).toEqual(['sms']);
  });

  it('updates a contact and a policy, replaces a rotation, and keeps the created time', async () => {
    const changed = await store.inTenant(a.tenantId, async (repos) => {
      const contact = await repos.contacts.create({
        id: randomUUID(),
        name: 'Carol',
        channels: [{ type: 'email', address: 'carol@example.com' }],
      });
      const renamed = await repos.contacts.update(contact.id, {
        channels: [{ type: 'webhook', address: 'https://hooks.example.com/carol' }],
      });
      const rotation = await repos.onCallRotations.replace({
        ...a.rotation,
        period: 'daily',
        handoffDay: null,
        members: [a.alice.id, a.bob.id],
      });
      const policy = await repos.escalationPolicies.update(a.policy.id, { repeat: 0 });
      await repos.onCallRotations.replace(a.rotation);
      await repos.escalationPolicies.update(a.policy.id, { repeat: a.policy.repeat });
      await repos.contacts.remove(contact.id);
      return { contact, renamed, rotation, policy };
    });
    expect(changed.renamed).toMatchObject({ name: 'Carol', createdAt: changed.contact.createdAt });
    expect(changed.renamed?.channels).toEqual([
      { type: 'webhook', address: 'https://hooks.example.com/carol' },
    ]);
    expect(changed.rotation).toMatchObject({
      period: 'daily',
      handoffDay: null,
      createdAt: a.rotation.createdAt,
    });
    expect(changed.rotation?.members).toEqual([a.alice.id, a.bob.id]);
    expect(changed.policy).toMatchObject({ repeat: 0, levels: a.policy.levels });
  });

  it('finds where a contact, a rotation and a policy are still named', async () => {
    const ruleId = randomUUID();
    const usage = await store.inTenant(a.tenantId, async (repos) => {
      const site = await repos.sites.create({
        id: randomUUID(),
        name: `Site ${ruleId}`,
        description: '',
        timeZone: 'Europe/London',
        location: null,
      });
      const rule: AlarmRuleRecord = {
        id: ruleId,
        kind: 'commLoss',
        siteId: site.id,
        tagId: null,
        name: 'Gateway offline',
        description: '',
        deadband: 0,
        onDelayMs: 0,
        offDelayMs: 0,
        enabled: true,
        escalationPolicyId: a.policy.id,
        repageHoldOffMinutes: 15,
        severity: 'high',
        afterSeconds: 60,
        scope: 'gateway',
        deviceId: null,
        gatewayId: randomUUID(),
      } as AlarmRuleRecord;
      await repos.alarmRules.create(rule);
      const found = {
        alice: await repos.contacts.usage(a.alice.id),
        bob: await repos.contacts.usage(a.bob.id),
        rotation: await repos.onCallRotations.usage(a.rotation.id),
        policy: await repos.escalationPolicies.usage(a.policy.id),
        unknown: await repos.contacts.usage(randomUUID()),
      };
      await repos.alarmRules.remove(ruleId);
      return found;
    });
    const rotationRef = { id: a.rotation.id, name: 'Maintenance weekly' };
    const policyRef = { id: a.policy.id, name: 'Night shift' };
    expect(usage.alice).toEqual({ rotations: [rotationRef], policies: [policyRef] });
    // bob is only an override of the rotation
    expect(usage.bob).toEqual({ rotations: [rotationRef], policies: [] });
    expect(usage.rotation).toEqual({ policies: [policyRef] });
    expect(usage.policy).toEqual({ alarmRules: [{ id: ruleId, name: 'Gateway offline' }] });
    expect(usage.unknown).toEqual({ rotations: [], policies: [] });
  });

  it('lists only the existing ids of the own tenant when locking references', async () => {
    const missing = randomUUID();
    const found = await store.inTenant(a.tenantId, async (repos) => ({
      contacts: await repos.contacts.lockExisting([a.alice.id, a.alice.id, b.alice.id, missing]),
      rotations: await repos.onCallRotations.lockExisting([a.rotation.id, b.rotation.id]),
      policies: await repos.escalationPolicies.lockExisting([b.policy.id, a.policy.id]),
      none: await repos.contacts.lockExisting([]),
    }));
    expect(found.contacts.map((c) => c.id)).toEqual([a.alice.id]);
    expect(found.rotations.map((r) => r.id)).toEqual([a.rotation.id]);
    expect(found.policies.map((p) => p.id)).toEqual([a.policy.id]);
    expect(found.none).toEqual([]);
  });

  it("never returns, changes or deletes another tenant's contacts, rotations or policies", async () => {
    const result = await store.inTenant(a.tenantId, async (repos) => ({
      contact: await repos.contacts.get(b.alice.id),
      rotation: await repos.onCallRotations.get(b.rotation.id),
      policy: await repos.escalationPolicies.get(b.policy.id),
      renamed: await repos.contacts.update(b.alice.id, { name: 'stolen' }),
      replaced: await repos.onCallRotations.replace({ ...b.rotation, name: 'stolen' }),
      repointed: await repos.escalationPolicies.update(b.policy.id, { name: 'stolen' }),
      removedContact: await repos.contacts.remove(b.bob.id),
      removedRotation: await repos.onCallRotations.remove(b.rotation.id),
      removedPolicy: await repos.escalationPolicies.remove(b.policy.id),
      usage: await repos.contacts.usage(b.alice.id),
      contacts: await repos.contacts.list(),
    }));
    expect(result).toMatchObject({
      contact: null,
      rotation: null,
      policy: null,
      renamed: null,
      replaced: null,
      repointed: null,
      removedContact: false,
      removedRotation: false,
      removedPolicy: false,
      usage: { rotations: [], policies: [] },
    });
    expect(result.contacts.map((c) => c.id)).not.toContain(b.alice.id);
    const bSide = await store.inTenant(b.tenantId, async (repos) => ({
      contact: await repos.contacts.get(b.alice.id),
      policy: await repos.escalationPolicies.get(b.policy.id),
    }));
    expect(bSide.contact?.name).toBe('Alice Shift-Lead');
    expect(bSide.policy?.name).toBe('Night shift');
  });

  it("blocks raw SQL from reading another tenant's people tables (row-level security)", async () => {
    const counts = await database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('app.tenant_id', ${a.tenantId}, true)`);
      const result = (await tx.execute(
        sql`select (select count(*) from contacts where tenant_id = ${b.tenantId})::int as contacts,
                   (select count(*) from on_call_rotations where tenant_id = ${b.tenantId})::int as rotations,
                   (select count(*) from escalation_policies where tenant_id = ${b.tenantId})::int as policies`,
      )) as { rows: { contacts: number; rotations: number; policies: number }[] };
      return result.rows[0];
    });
    expect(counts).toEqual({ contacts: 0, rotations: 0, policies: 0 });
  });
});

// Two transactions at once need two connections: PGlite has one, so this runs on the server only.
describe('people repositories on postgres with concurrent transactions', () => {
  let database: ConfigDatabase;
  let store: ConfigStore;
  let a: Awaited<ReturnType<typeof newTenant>>;
  const postgres = configDatabaseTargets.find((t) => t.name === 'postgres');

  beforeAll(async () => {
    if (!postgres) throw new Error('no postgres target');
    database = await postgres.open({ maxConnections: 2 });
    store = createPostgresConfigStore(database.db, () => database.close());
    a = await newTenant(store, 'a');
  }, 60_000);
  afterAll(async () => {
    await store.close();
  });

  it('makes a delete wait for a transaction that locked the contact, then see its new reference', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked: () => void = () => undefined;
    const lockTaken = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const contact = await store.inTenant(a.tenantId, (repos) =>
      repos.contacts.create({
        id: randomUUID(),
        name: 'Dana',
        channels: [{ type: 'sms', address: '+447700900999' }],
      }),
    );
    const policy: EscalationPolicyRecord = {
      id: randomUUID(),
      name: 'Dana first',
      repeat: 0,
      repeatBackoff: null,
      levels: [{ delayMinutes: 0, targets: [{ type: 'contact', contactId: contact.id }] }],
    };
    const creating = store.inTenant(a.tenantId, async (repos) => {
      const existing = await repos.contacts.lockExisting([contact.id]);
      locked();
      await released;
      return existing.length === 1 ? repos.escalationPolicies.create(policy) : null;
    });
    await lockTaken;
    let removeFinished = false;
    const removing = store.inTenant(a.tenantId, async (repos) => {
      const removed = await repos.contacts.remove(contact.id);
      removeFinished = true;
      return { removed, usage: await repos.contacts.usage(contact.id) };
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(removeFinished).toBe(false);
    release();
    expect(await creating).toMatchObject({ id: policy.id });
    const removal = await removing;
    expect(removal.removed).toBe(true);
    expect(removal.usage.policies).toEqual([{ id: policy.id, name: 'Dana first' }]);
  }, 30_000);
});
