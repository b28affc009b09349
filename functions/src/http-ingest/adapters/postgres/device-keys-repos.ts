// HTTP push device keys: the PostgreSQL implementation of DeviceKeyRepositories.
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { ConfigDb } from '../../../platform/database/database.ts';
import type { DeviceKeyRecord, DeviceKeyRepositories } from '../../ports.ts';
import { deviceKeys } from './schema.ts';

function toRecord(r: typeof deviceKeys.$inferSelect): DeviceKeyRecord {
  return {
    id: r.id,
    deviceId: r.deviceId,
    name: r.name,
    keyHash: r.keyHash,
    prefix: r.prefix,
    createdAt: r.createdAt,
    lastUsedAt: r.lastUsedAt,
    revokedAt: r.revokedAt,
  };
}

export function deviceKeyRepositories(tx: ConfigDb, tenantId: string): DeviceKeyRepositories {
  const mine = (id: string) => and(eq(deviceKeys.tenantId, tenantId), eq(deviceKeys.id, id));
  return {
    deviceKeys: {
      async insert(key) {
        const [row] = await tx
          .insert(deviceKeys)
          .values({ ...key, tenantId })
          .returning();
        if (!row) throw new Error('the device key insert returned no row');
        return toRecord(row);
      },
      async get(id) {
        const [row] = await tx.select().from(deviceKeys).where(mine(id));
        return row ? toRecord(row) : null;
      },
      async listForDevice(deviceId) {
        const rows = await tx
          .select()
          .from(deviceKeys)
          .where(and(eq(deviceKeys.tenantId, tenantId), eq(deviceKeys.deviceId, deviceId)))
          .orderBy(asc(deviceKeys.createdAt), asc(deviceKeys.id));
        return rows.map(toRecord);
      },
      async revoke(id, at) {
        const existing = await tx.select({ id: deviceKeys.id }).from(deviceKeys).where(mine(id));
        if (existing.length === 0) return false;
        await tx
          .update(deviceKeys)
          .set({ revokedAt: at })
          .where(and(mine(id), isNull(deviceKeys.revokedAt)));
        return true;
      },
      async touch(id, at) {
        await tx.update(deviceKeys).set({ lastUsedAt: at }).where(mine(id));
      },
    },
  };
}
