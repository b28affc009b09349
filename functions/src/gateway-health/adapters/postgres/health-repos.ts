// GatewayHealthRepositories on PostgreSQL: one row per gateway, upserted from its status messages.
import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { ConfigDb } from '../../../platform/database/database.ts';
import type { Row } from '../../../platform/database/tenant-rows.ts';
import type { GatewayHealthRepositories, StoredGatewayHealth } from '../../ports.ts';
import { gatewayHealth } from './schema.ts';

const toHealth = (r: Row<typeof gatewayHealth>): StoredGatewayHealth => ({
  gatewayId: r.gatewayId,
  online: r.online,
  since: r.since,
  lastStatusAt: r.lastStatusAt,
  lastDataAt: r.lastDataAt,
  gatewayVersion: r.gatewayVersion,
  appliedVersion: r.appliedVersion,
  rejected: r.rejected,
  buffer: r.buffer,
  devices: r.devices,
  statusTs: r.statusTs,
});

/** The stored column, or the proposed one for a column `online` statuses replace. */
const incoming = (column: string) => sql.raw(`excluded."${column}"`);

export function gatewayHealthRepositories(tx: ConfigDb, tenantId: string): GatewayHealthRepositories {
  const ofTenant = eq(gatewayHealth.tenantId, tenantId);
  // A status received before the one applied last is stale (a redelivery): it changes nothing.
  const newer = or(
    isNull(gatewayHealth.lastStatusAt),
    sql`${gatewayHealth.lastStatusAt} <= excluded."last_status_at"`,
  );
  // `since` moves only when the state changes.
  const since = sql`case when ${gatewayHealth.online} is distinct from excluded."online" then excluded."since" else ${gatewayHealth.since} end`;
  return {
    gatewayHealth: {
      async get(gatewayId) {
        const [row] = await tx
          .select()
          .from(gatewayHealth)
          .where(and(ofTenant, eq(gatewayHealth.gatewayId, gatewayId)));
        return row ? toHealth(row) : null;
      },
      async list(gatewayIds) {
        if (gatewayIds.length === 0) return [];
        const rows = await tx
          .select()
          .from(gatewayHealth)
          .where(and(ofTenant, inArray(gatewayHealth.gatewayId, [...gatewayIds])));
        return rows.map(toHealth);
      },
      async recordStatus(gatewayId, status) {
        const base = {
          gatewayId,
          tenantId,
          online: status.online,
          since: status.receivedAt,
          lastStatusAt: status.receivedAt,
        };
        if (!status.online) {
          await tx
            .insert(gatewayHealth)
            .values(base)
            .onConflictDoUpdate({
              target: gatewayHealth.gatewayId,
              set: { online: incoming('online'), since, lastStatusAt: incoming('last_status_at') },
              setWhere: newer,
            });
          return;
        }
        await tx
          .insert(gatewayHealth)
          .values({
            ...base,
            statusTs: status.statusTs,
            gatewayVersion: status.gatewayVersion,
            appliedVersion: status.appliedVersion,
            rejected: status.rejected,
            buffer: status.buffer,
            devices: status.devices,
          })
          .onConflictDoUpdate({
            target: gatewayHealth.gatewayId,
            set: {
              online: incoming('online'),
              since,
              lastStatusAt: incoming('last_status_at'),
              statusTs: incoming('status_ts'),
              gatewayVersion: incoming('gateway_version'),
              appliedVersion: incoming('applied_version'),
              rejected: incoming('rejected'),
              buffer: incoming('buffer'),
              devices: incoming('devices'),
            },
            setWhere: newer,
          });
      },
      async sawData(gatewayId, at) {
        await tx
          .insert(gatewayHealth)
          .values({ gatewayId, tenantId, lastDataAt: at })
          .onConflictDoUpdate({
            target: gatewayHealth.gatewayId,
            set: { lastDataAt: incoming('last_data_at') },
            setWhere: or(isNull(gatewayHealth.lastDataAt), lt(gatewayHealth.lastDataAt, at)),
          });
      },
    },
  };
}
