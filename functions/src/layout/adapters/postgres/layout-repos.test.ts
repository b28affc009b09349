import { randomUUID } from 'node:crypto';
import type { HomePin } from '@plantwatch/shared';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigStore, createPostgresConfigStore } from '../../../compose/config-store.ts';
import type { ConfigDatabase } from '../../../platform/database/database.ts';
import { configDatabaseTargets } from '../../../platform/testing/config-databases.ts';

async function newTenant(store: ConfigStore, label: string) {
  const tenantId = randomUUID();
  const { owner } = await store.createTenant({
    tenant: { id: tenantId, name: `Waterworks ${label}`, timeZone: 'Europe/London' },
    owner: {
      id: randomUUID(),
      email: `${label}-${tenantId}@example.com`,
      name: 'Owner',
      passwordHash: 'scrypt$x',
    },
  });
  return { tenantId, userId: owner.id };
}

describe.each(configDatabaseTargets)('home layout repository on $name', (target) => {
  let database: ConfigDatabase;
  let store: ConfigStore;
  let a: Awaited<ReturnType<typeof newTenant>>;
  let b: Awaited<ReturnType<typeof newTenant>>;
  const tagA = randomUUID();
  const tagB = randomUUID();

  beforeAll(async () => {
    database = await target.open({ maxConnections: 2 });
    store = createPostgresConfigStore(database.db, () => database.close());
    a = await newTenant(store, 'a');
    b = await newTenant(store, 'b');
  }, 60_000);
  afterAll(async () => {
    await store.close();
  });

  it('creates a layout, then replaces it whole, keeping the pins in the order given', async () => {
    const first: HomePin[] = [{ kind: 'tag', tagId: tagA }];
    const second: HomePin[] = [
      { kind: 'chart', tagIds: [tagB, tagA], range: '30d' },
      { kind: 'tag', tagId: tagB },
    ];
    const read = await store.inTenant(a.tenantId, async (repos) => {
      const before = await repos.homeLayouts.get(a.userId);
      await repos.homeLayouts.put(a.userId, first, new Date('2026-11-01T08:00:00Z'));
      await repos.homeLayouts.put(a.userId, second, new Date('2026-11-02T08:00:00Z'));
      return { before, after: await repos.homeLayouts.get(a.userId) };
    });
    expect(read.before).toBeNull();
    expect(read.after).toEqual({
      userId: a.userId,
      pins: second,
      updatedAt: new Date('2026-11-02T08:00:00Z'),
    });
  });

  it("shows and changes no other tenant's layout, by repository or raw SQL (row-level security)", async () => {
    await store.inTenant(b.tenantId, (repos) => repos.homeLayouts.put(b.userId, [], new Date()));
    expect(await store.inTenant(b.tenantId, (repos) => repos.homeLayouts.get(a.userId))).toBeNull();
    // Writing A's user id from B's tenant fails: the user does not exist in B (composite foreign key).
    await expect(
      store.inTenant(b.tenantId, (repos) => repos.homeLayouts.put(a.userId, [], new Date())),
    ).rejects.toThrow();
    const count = await database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('app.tenant_id', ${a.tenantId}, true)`);
      const result = (await tx.execute(
        sql`select count(*)::int as n from home_layouts where tenant_id = ${b.tenantId}`,
      )) as { rows: { n: number }[] };
      return result.rows[0]?.n;
    });
    expect(count).toBe(0);
  });

  it('deletes the layout with its user', async () => {
    const gone = await store.inTenant(a.tenantId, async (repos) => {
      const user = await repos.users.insertInvited({
        id: randomUUID(),
        email: `leaver-${randomUUID()}@example.com`,
        name: 'Leaver',
        role: 'viewer',
        siteIds: null,
        inviteTokenHash: randomUUID(),
        inviteExpiresAt: new Date(Date.now() + 86_400_000),
      });
      await repos.homeLayouts.put(user.id, [{ kind: 'tag', tagId: tagA }], new Date());
      await repos.users.remove(user.id);
      return repos.homeLayouts.get(user.id);
    });
    expect(gone).toBeNull();
  });
});
