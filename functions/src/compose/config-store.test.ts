import { randomUUID } from 'node:crypto';
import { ConflictError } from '@plantwatch/shared';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testLevelAddress as level, testModbusConnection as modbus } from '../plant/testing/plant.ts';
import type { ConfigDatabase } from '../platform/database/database.ts';
import { configDatabaseTargets } from '../platform/testing/config-databases.ts';
import { type ConfigStore, createPostgresConfigStore } from './config-store.ts';

async function newTenant(store: ConfigStore, label: string) {
  const tenantId = randomUUID();
  const { tenant, owner } = await store.createTenant({
    tenant: { id: tenantId, name: `Waterworks ${label}`, timeZone: 'Europe/London' },
    owner: {
      id: randomUUID(),
      email: `${label}-${tenantId}@example.com`,
      name: 'Owner',
      passwordHash: 'scrypt$x',
    },
  });
  const plant = await store.inTenant(tenantId, async (repos) => {
    const site = await repos.sites.create({
      id: randomUUID(),
      name: 'North works',
      description: '',
      timeZone: 'Europe/London',
      location: { latitude: 51.5, longitude: -0.1 },
    });
    const gateway = await repos.gateways.create({
      id: randomUUID(),
      siteId: site.id,
      name: 'gw-1',
      description: '',
    });
    const device = await repos.devices.create({
      id: randomUUID(),
      gatewayId: gateway.id,
      key: 'plc-1',
      name: 'Lift station PLC',
      description: '',
      enabled: true,
      connection: modbus,
    });
    const tag = await repos.tags.create({
      id: randomUUID(),
      deviceId: device.id,
      key: 'level',
      name: 'Wet well level',
      description: '',
      address: level,
      scale: 0.1,
      offset: 0,
      unit: 'm',
      deadband: 0.05,
    });
    return { site, gateway, device, tag };
  });
  return { tenant, owner, ...plant };
}

describe.each(configDatabaseTargets)('config store on $name', (target) => {
  let database: ConfigDatabase;
  let store: ConfigStore;
  let a: Awaited<ReturnType<typeof newTenant>>;
  let b: Awaited<ReturnType<typeof newTenant>>;

  beforeAll(async () => {
    // one connection, so every transaction below reuses it: the context-leak tests depend on that
    database = await target.open({ maxConnections: 1 });
    store = createPostgresConfigStore(database.db, () => database.close());
    a = await newTenant(store, 'a');
    b = await newTenant(store, 'b');
  });
  afterAll(async () => {
    await store.close();
  });

  it('runs application queries as the non-owner role that row-level security applies to', async () => {
    const row = await database.db.transaction(async (tx) => {
      const result = (await tx.execute(
        sql`select current_user as role, (select rolbypassrls from pg_roles where rolname = current_user) as bypass`,
      )) as { rows: { role: string; bypass: boolean }[] };
      return result.rows[0];
    });
    expect(row).toEqual({ role: 'plantwatch_app', bypass: false });
  });

  it('creates a tenant with its owner and reads back the whole plant model', async () => {
    const model = await store.inTenant(a.tenant.id, async (repos) => ({
      tenant: await repos.tenant.get(),
      users: await repos.users.list(),
      sites: await repos.sites.list(null),
      gateways: await repos.gateways.list({ scope: null }),
      devices: await repos.devices.list({ scope: null }),
      tags: await repos.tags.list({ scope: null }),
    }));
    expect(model.tenant).toMatchObject({ id: a.tenant.id, timeZone: 'Europe/London' });
    expect(model.users).toEqual([
      expect.objectContaining({ id: a.owner.id, role: 'owner', status: 'active' }),
    ]);
    expect(model.sites).toEqual([a.site]);
    expect(model.gateways).toEqual([a.gateway]);
    expect(model.devices).toEqual([a.device]);
    expect(model.tags).toEqual([a.tag]);
    expect(a.site.location).toEqual({ latitude: 51.5, longitude: -0.1 });
    expect(a.device.connection).toEqual(modbus);
  });

  it('refuses a second account with an e-mail already registered in another tenant', async () => {
    await expect(
      store.createTenant({
        tenant: { id: randomUUID(), name: 'Copycat', timeZone: 'UTC' },
        owner: { id: randomUUID(), email: a.owner.email, name: 'X', passwordHash: 'scrypt$x' },
      }),
    ).rejects.toThrow(new ConflictError('a user with this e-mail address already exists'));
  });

  it('reports duplicate keys and names as conflicts with a readable reason', async () => {
    await expect(
      store.inTenant(a.tenant.id, (repos) => repos.devices.create({ ...a.device, id: randomUUID() })),
    ).rejects.toThrow('a device with this key already exists on this gateway');
    await expect(
      store.inTenant(a.tenant.id, (repos) =>
        repos.sites.create({
          id: randomUUID(),
          name: 'North works',
          description: '',
          timeZone: 'UTC',
          location: null,
        }),
      ),
    ).rejects.toThrow('a site with this name already exists');
  });

  it('lets two tenants use the same names and keys', async () => {
    expect(b.site.name).toBe(a.site.name);
    expect(b.device.key).toBe(a.device.key);
  });

  it('refuses to delete a site that still has gateways, and cascades a device to its tags', async () => {
    await expect(store.inTenant(a.tenant.id, (repos) => repos.sites.remove(a.site.id))).rejects.toThrow(
      'the site still has gateways; delete or move them first',
    );
    const extra = await store.inTenant(a.tenant.id, async (repos) => {
      const device = await repos.devices.create({
        ...a.device,
        id: randomUUID(),
        key: 'plc-9',
        connection: modbus,
      });
      await repos.tags.create({ ...a.tag, id: randomUUID(), deviceId: device.id });
      return device;
    });
    const after = await store.inTenant(a.tenant.id, async (repos) => {
      expect(await repos.devices.remove(extra.id)).toBe(true);
      return repos.tags.list({ deviceId: extra.id, scope: null });
    });
    expect(after).toEqual([]);
  });

  it('updates fields, bumps the gateway config version and keeps created time', async () => {
    const updated = await store.inTenant(a.tenant.id, async (repos) => {
      const tag = await repos.tags.update(a.tag.id, { deadband: 0.2, unit: 'ft' });
      await repos.gateways.bumpConfigVersion(a.gateway.id);
      return { tag, gateway: await repos.gateways.get(a.gateway.id) };
    });
    expect(updated.tag).toMatchObject({ deadband: 0.2, unit: 'ft', createdAt: a.tag.createdAt });
    expect(updated.gateway?.configVersion).toBe(a.gateway.configVersion + 1);
  });

  it('restricts lists to the sites a user may see', async () => {
    const seen = await store.inTenant(a.tenant.id, async (repos) => ({
      none: await repos.sites.list([]),
      other: await repos.gateways.list({ scope: [b.site.id] }),
      own: await repos.tags.list({ scope: [a.site.id] }),
    }));
    expect(seen.none).toEqual([]);
    expect(seen.other).toEqual([]);
    expect(seen.own.map((t) => t.id)).toContain(a.tag.id);
  });

  it("never returns, changes or deletes another tenant's rows through the repositories", async () => {
    const result = await store.inTenant(a.tenant.id, async (repos) => ({
      site: await repos.sites.get(b.site.id),
      gateway: await repos.gateways.get(b.gateway.id),
      device: await repos.devices.get(b.device.id),
      tag: await repos.tags.get(b.tag.id),
      user: await repos.users.get(b.owner.id),
      renamed: await repos.sites.update(b.site.id, { name: 'stolen' }),
      removedTag: await repos.tags.remove(b.tag.id),
      sites: await repos.sites.list(null),
    }));
    expect(result).toMatchObject({
      site: null,
      gateway: null,
      device: null,
      tag: null,
      user: null,
      renamed: null,
      removedTag: false,
    });
    expect(result.sites.map((s) => s.id)).not.toContain(b.site.id);
    const bSite = await store.inTenant(b.tenant.id, (repos) => repos.sites.get(b.site.id));
    expect(bSite?.name).toBe('North works');
  });

  it("blocks raw SQL from reading or changing another tenant's rows (row-level security)", async () => {
    const raw = await database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('app.tenant_id', ${a.tenant.id}, true)`);
      const visible = (await tx.execute(sql`select id from sites`)) as { rows: { id: string }[] };
      const tenantsSeen = (await tx.execute(sql`select id from tenants`)) as { rows: { id: string }[] };
      const updated = (await tx.execute(
        sql`update tags set name = 'hijacked' where id = ${b.tag.id} returning id`,
      )) as { rows: unknown[] };
      const deleted = (await tx.execute(sql`delete from users where id = ${b.owner.id} returning id`)) as {
        rows: unknown[];
      };
      return {
        visible: visible.rows,
        tenantsSeen: tenantsSeen.rows,
        updated: updated.rows,
        deleted: deleted.rows,
      };
    });
    expect(raw.visible.map((r) => r.id)).toEqual([a.site.id]);
    expect(raw.tenantsSeen).toEqual([{ id: a.tenant.id }]);
    expect(raw.updated).toEqual([]);
    expect(raw.deleted).toEqual([]);

    // inserting a row for tenant B while acting as tenant A violates the policy's WITH CHECK
    await expect(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('app.tenant_id', ${a.tenant.id}, true)`);
        await tx.execute(
          sql`insert into sites (id, tenant_id, name, time_zone) values (${randomUUID()}, ${b.tenant.id}, 'planted', 'UTC')`,
        );
      }),
    ).rejects.toSatisfy((error: unknown) =>
      /row-level security/.test(String((error as Error).cause ?? error)),
    );

    // moving a row of one's own to another tenant is refused the same way
    await expect(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('app.tenant_id', ${a.tenant.id}, true)`);
        await tx.execute(sql`update sites set tenant_id = ${b.tenant.id} where id = ${a.site.id}`);
      }),
    ).rejects.toSatisfy((error: unknown) =>
      /row-level security/.test(String((error as Error).cause ?? error)),
    );
  });

  it('sees no rows at all when no tenant is set', async () => {
    const counts = await database.db.transaction(async (tx) => {
      const result = (await tx.execute(
        sql`select (select count(*) from sites)::int as sites, (select count(*) from users)::int as users, (select count(*) from tenants)::int as tenants`,
      )) as { rows: { sites: number; users: number; tenants: number }[] };
      return result.rows[0];
    });
    expect(counts).toEqual({ sites: 0, users: 0, tenants: 0 });
  });

  it('leaks no tenant context from one transaction to the next on the same connection', async () => {
    await store.inTenant(a.tenant.id, (repos) => repos.sites.list(null));
    const after = await database.db.transaction(async (tx) => {
      const result = (await tx.execute(
        sql`select coalesce(current_setting('app.tenant_id', true), '') as tenant, pg_backend_pid() as pid, (select count(*) from sites)::int as sites`,
      )) as { rows: { tenant: string; pid: number; sites: number }[] };
      return result.rows[0];
    });
    expect(after?.tenant).toBe('');
    expect(after?.sites).toBe(0);

    // and a failed transaction leaves nothing behind either
    await expect(
      store.inTenant(b.tenant.id, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const afterFailure = await database.db.transaction(async (tx) => {
      const result = (await tx.execute(sql`select count(*)::int as n from tags`)) as {
        rows: { n: number }[];
      };
      return result.rows[0]?.n;
    });
    expect(afterFailure).toBe(0);
  });

  it('finds which tenant a credential belongs to only through the narrow lookups', async () => {
    const credentials = await store.findCredentialsByEmail(a.owner.email);
    expect(credentials).toEqual({
      userId: a.owner.id,
      tenantId: a.tenant.id,
      passwordHash: 'scrypt$x',
      status: 'active',
    });
    expect(await store.findCredentialsByEmail('nobody@example.com')).toBeNull();

    const sessionId = randomUUID();
    const expiresAt = new Date(Date.now() + 3_600_000);
    const idleExpiresAt = new Date(Date.now() + 600_000);
    await store.inTenant(b.tenant.id, (repos) =>
      repos.sessions.create({
        id: sessionId,
        userId: b.owner.id,
        tokenHash: `hash-${sessionId}`,
        expiresAt,
        idleExpiresAt,
      }),
    );
    // The lookup carries what the session check needs: both ends (ADR 0031's idle end) and the last use.
    expect(await store.findSessionByTokenHash(`hash-${sessionId}`)).toEqual({
      sessionId,
      tenantId: b.tenant.id,
      userId: b.owner.id,
      expiresAt,
      idleExpiresAt,
      lastUsedAt: null,
      role: 'owner',
      siteIds: null,
      userStatus: 'active',
    });

    const key = await store.inTenant(b.tenant.id, (repos) =>
      repos.apiKeys.create({
        id: randomUUID(),
        name: 'historian',
        role: 'viewer',
        prefix: 'pwk_abcd',
        keyHash: `k-${sessionId}`,
        createdBy: b.owner.id,
      }),
    );
    expect(await store.findApiKeyByHash(`k-${sessionId}`)).toEqual({
      apiKeyId: key.id,
      tenantId: b.tenant.id,
      role: 'viewer',
      revokedAt: null,
    });

    // the lookups are functions for the app role; the tables behind them stay closed to it
    const direct = await database.db.transaction(async (tx) => {
      const result = (await tx.execute(sql`select count(*)::int as n from sessions`)) as {
        rows: { n: number }[];
      };
      return result.rows[0]?.n;
    });
    expect(direct).toBe(0);
  });

  it('keeps alarm rules, their engine state and their journal per tenant, and drops them with the tag', async () => {
    const ruleId = randomUUID();
    const rule = {
      id: ruleId,
      kind: 'limit' as const,
      siteId: a.site.id,
      tagId: a.tag.id,
      name: 'Wet well level',
      description: '',
      deadband: 0.1,
      onDelayMs: 0,
      offDelayMs: 0,
      enabled: true,
      escalationPolicyId: null,
      repageHoldOffMinutes: 15,
      levels: [{ level: 'hi' as const, threshold: 4, severity: 'high' as const }],
    };
    const event = {
      id: randomUUID(),
      tenantId: a.tenant.id,
      alarmId: randomUUID(),
      ruleId,
      siteId: a.site.id,
      at: '2026-03-01T10:00:00.000Z',
      from: 'normal' as const,
      to: 'active-unacked' as const,
      kind: 'raised' as const,
      by: { type: 'system' as const, name: 'alarm engine' },
      channel: 'system' as const,
      value: 4.2,
      alarmKey: 'hi',
    };
    const written = await store.inTenant(a.tenant.id, async (repos) => {
      const created = await repos.alarmRules.create(rule);
      const replaced = await repos.alarmRules.replace({ ...rule, name: 'Wet well high' });
      const first = await repos.alarmStates.putMany(
        [{ ruleId, state: { ruleId, lastSampleTs: 1 } }],
        new Date('2026-03-01T10:00:00Z'),
      );
      const second = await repos.alarmStates.putMany(
        [{ ruleId, state: { ruleId, lastSampleTs: 2 } }],
        new Date('2026-03-01T10:01:00Z'),
      );
      // From memory: written only at the version read and for the rule as it was read.
      const stale = await repos.alarmStates.putIfCurrent(
        [
          {
            ruleId,
            state: { ruleId, lastSampleTs: 9 },
            version: 1,
            ruleUpdatedAt: replaced?.updatedAt ?? '',
          },
        ],
        new Date('2026-03-01T10:02:00Z'),
      );
      const oldRule = await repos.alarmStates.putIfCurrent(
        [
          {
            ruleId,
            state: { ruleId, lastSampleTs: 9 },
            version: 2,
            ruleUpdatedAt: '2020-01-01T00:00:00.000Z',
          },
        ],
        new Date('2026-03-01T10:02:00Z'),
      );
      const current = await repos.alarmStates.putIfCurrent(
        [
          {
            ruleId,
            state: { ruleId, lastSampleTs: 3 },
            version: 2,
            ruleUpdatedAt: replaced?.updatedAt ?? '',
          },
        ],
        new Date('2026-03-01T10:03:00Z'),
      );
      await repos.alarmEvents.insert([event]);
      return {
        versions: [first.get(ruleId), second.get(ruleId), stale.size, oldRule.size, current.get(ruleId)],
        created,
        replaced,
        byTag: await repos.alarmRules.list({ tagIds: [a.tag.id], scope: null }),
        states: await repos.alarmStates.list([ruleId]),
        events: await repos.alarmEvents.list({ ruleId }, 10),
      };
    });
    expect(written.created).toMatchObject({ id: ruleId, tenantId: a.tenant.id, name: 'Wet well level' });
    expect(written.replaced).toMatchObject({ id: ruleId, name: 'Wet well high', levels: rule.levels });
    expect(written.byTag.map((r) => r.id)).toEqual([ruleId]);
    expect(written.versions).toEqual([1, 2, 0, 0, 3]);
    expect(written.states).toEqual([
      { ruleId, state: { ruleId, lastSampleTs: 3 }, version: 3, updatedAt: new Date('2026-03-01T10:03:00Z') },
    ]);
    const { alarmKey: _alarmKey, ...journalled } = event;
    expect(written.events).toEqual([journalled]);

    const seenByB = await store.inTenant(b.tenant.id, async (repos) => ({
      rule: await repos.alarmRules.get(ruleId),
      rules: await repos.alarmRules.list({ scope: null }),
      states: await repos.alarmStates.list([ruleId]),
      events: await repos.alarmEvents.list({ ruleId }, 10),
      removed: await repos.alarmRules.remove(ruleId),
    }));
    expect(seenByB).toEqual({ rule: null, rules: [], states: [], events: [], removed: false });
    const outOfScope = await store.inTenant(a.tenant.id, (repos) =>
      repos.alarmRules.list({ scope: [randomUUID()] }),
    );
    expect(outOfScope).toEqual([]);

    // a rule cannot watch another tenant's tag, even by a raw insert through the repository
    await expect(
      store.inTenant(a.tenant.id, (repos) =>
        repos.alarmRules.create({ ...rule, id: randomUUID(), tagId: b.tag.id }),
      ),
    ).rejects.toThrow();

    const afterTagRemoved = await store.inTenant(a.tenant.id, async (repos) => {
      const tag = await repos.tags.create({
        id: randomUUID(),
        deviceId: a.device.id,
        key: `spare-${ruleId}`,
        name: 'Spare',
        description: '',
        address: level,
        scale: 1,
        offset: 0,
        unit: '',
        deadband: 0,
      });
      const spareRule = await repos.alarmRules.create({ ...rule, id: randomUUID(), tagId: tag.id });
      await repos.alarmStates.putMany([{ ruleId: spareRule.id, state: {} }], new Date());
      await repos.tags.remove(tag.id);
      return {
        rule: await repos.alarmRules.get(spareRule.id),
        states: await repos.alarmStates.list([spareRule.id]),
      };
    });
    expect(afterTagRemoved).toEqual({ rule: null, states: [] });
  });

  it('keeps invited users inactive until they accept, and revokes API keys once', async () => {
    const invitedId = randomUUID();
    const expiresAt = new Date(Date.now() + 86_400_000);
    await store.inTenant(a.tenant.id, (repos) =>
      repos.users.insertInvited({
        id: invitedId,
        email: `operator-${invitedId}@example.com`,
        name: 'Night shift',
        role: 'operator',
        siteIds: [a.site.id],
        inviteTokenHash: `inv-${invitedId}`,
        inviteExpiresAt: expiresAt,
      }),
    );
    expect(await store.findInviteByTokenHash(`inv-${invitedId}`)).toEqual({
      userId: invitedId,
      tenantId: a.tenant.id,
      expiresAt,
    });
    const activated = await store.inTenant(a.tenant.id, (repos) =>
      repos.users.activate(invitedId, 'scrypt$y'),
    );
    expect(activated).toMatchObject({ status: 'active', siteIds: [a.site.id] });
    expect(await store.findInviteByTokenHash(`inv-${invitedId}`)).toBeNull();

    const revokedTwice = await store.inTenant(a.tenant.id, async (repos) => {
      const key = await repos.apiKeys.create({
        id: randomUUID(),
        name: 'scada',
        role: 'operator',
        prefix: 'pwk_zz',
        keyHash: `rk-${invitedId}`,
        createdBy: null,
      });
      const first = await repos.apiKeys.revoke(key.id, new Date('2026-01-01T00:00:00Z'));
      const second = await repos.apiKeys.revoke(key.id, new Date('2027-01-01T00:00:00Z'));
      return { first, second };
    });
    expect(revokedTwice.first?.revokedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(revokedTwice.second?.revokedAt).toBe('2026-01-01T00:00:00.000Z');
  });
});
