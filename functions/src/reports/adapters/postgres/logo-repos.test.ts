import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigStore, createPostgresConfigStore } from '../../../compose/config-store.ts';
import type { ConfigDatabase } from '../../../platform/database/database.ts';
import { configDatabaseTargets } from '../../../platform/testing/config-databases.ts';

async function newTenant(store: ConfigStore, label: string): Promise<string> {
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
  return tenantId;
}

// Every byte value, so an encoding slip (text instead of bytea, a lost high byte) shows.
const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

describe.each(configDatabaseTargets)('tenant logo repository on $name', (target) => {
  let database: ConfigDatabase;
  let store: ConfigStore;
  let a: string;
  let b: string;

  beforeAll(async () => {
    database = await target.open({ maxConnections: 2 });
    store = createPostgresConfigStore(database.db, () => database.close());
    a = await newTenant(store, 'a');
    b = await newTenant(store, 'b');
  }, 60_000);
  afterAll(async () => {
    await store.close();
  });

  it('stores the bytes exactly, replaces them, and removes them', async () => {
    const second = Buffer.concat([allBytes, Buffer.from([0xff, 0xd8])]);
    const read = await store.inTenant(a, async (repos) => {
      const before = await repos.tenantLogo.get();
      await repos.tenantLogo.put({
        mediaType: 'image/png',
        data: allBytes,
        updatedAt: new Date('2026-11-01T08:00:00Z'),
      });
      const first = await repos.tenantLogo.get();
      await repos.tenantLogo.put({
        mediaType: 'image/jpeg',
        data: second,
        updatedAt: new Date('2026-11-02T08:00:00Z'),
      });
      return { before, first, replaced: await repos.tenantLogo.get() };
    });
    expect(read.before).toBeNull();
    expect(read.first?.mediaType).toBe('image/png');
    expect(Buffer.compare(read.first?.data ?? Buffer.alloc(0), allBytes)).toBe(0);
    expect(read.replaced?.mediaType).toBe('image/jpeg');
    expect(Buffer.compare(read.replaced?.data ?? Buffer.alloc(0), second)).toBe(0);
    expect(read.replaced?.updatedAt).toEqual(new Date('2026-11-02T08:00:00Z'));

    const removed = await store.inTenant(a, async (repos) => ({
      first: await repos.tenantLogo.remove(),
      again: await repos.tenantLogo.remove(),
      after: await repos.tenantLogo.get(),
    }));
    expect(removed).toEqual({ first: true, again: false, after: null });
  });

  it("never shows or removes another tenant's logo", async () => {
    await store.inTenant(b, (repos) =>
      repos.tenantLogo.put({ mediaType: 'image/png', data: allBytes, updatedAt: new Date() }),
    );
    const fromA = await store.inTenant(a, async (repos) => ({
      seen: await repos.tenantLogo.get(),
      removed: await repos.tenantLogo.remove(),
    }));
    expect(fromA).toEqual({ seen: null, removed: false });
    const stillB = await store.inTenant(b, (repos) => repos.tenantLogo.get());
    expect(stillB?.data.length).toBe(256);
  });
});
