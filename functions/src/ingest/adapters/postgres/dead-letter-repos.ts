// DeadLetterRepositories on PostgreSQL: telemetry ingest could never store, with the reason.
import type { DeadLetter, DeadLetterReason } from '@plantwatch/shared';
import { and, count, desc, eq, gte, inArray, lt, type SQL, sql } from 'drizzle-orm';
import type { ConfigDb } from '../../../platform/database/database.ts';
import { iso, type Row } from '../../../platform/database/tenant-rows.ts';
import type { DeadLetterFilter, DeadLetterRepositories } from '../../ports.ts';
import { ingestDeadLetters } from './schema.ts';

const toDeadLetter = (r: Row<typeof ingestDeadLetters>): DeadLetter => ({
  id: r.id,
  siteId: r.siteId,
  gatewayId: r.gatewayId,
  topic: r.topic,
  reason: r.reason as DeadLetterReason,
  detail: r.detail,
  payload: r.payload,
  payloadBytes: r.payloadBytes,
  receivedAt: iso(r.receivedAt),
});

/** A dead letter without a site (its topic named none we know) is shown only to callers who see every site. */
function deadLetterWhere(tenantId: string, filter: DeadLetterFilter): SQL | undefined {
  const { scope } = filter;
  return and(
    eq(ingestDeadLetters.tenantId, tenantId),
    filter.siteId ? eq(ingestDeadLetters.siteId, filter.siteId) : undefined,
    filter.gatewayId ? eq(ingestDeadLetters.gatewayId, filter.gatewayId) : undefined,
    filter.reason ? eq(ingestDeadLetters.reason, filter.reason) : undefined,
    filter.from ? gte(ingestDeadLetters.receivedAt, filter.from) : undefined,
    filter.to ? lt(ingestDeadLetters.receivedAt, filter.to) : undefined,
    scope === null
      ? undefined
      : scope.length === 0
        ? sql`false`
        : inArray(ingestDeadLetters.siteId, [...scope]),
  );
}

export function deadLetterRepositories(tx: ConfigDb, tenantId: string): DeadLetterRepositories {
  return {
    deadLetters: {
      async insert(deadLetter) {
        await tx.insert(ingestDeadLetters).values({ ...deadLetter, tenantId });
      },
      async list(filter, limit) {
        const rows = await tx
          .select()
          .from(ingestDeadLetters)
          .where(deadLetterWhere(tenantId, filter))
          .orderBy(desc(ingestDeadLetters.receivedAt), desc(ingestDeadLetters.id))
          .limit(limit);
        return rows.map(toDeadLetter);
      },
      async count(filter) {
        const rows = await tx
          .select({ reason: ingestDeadLetters.reason, n: count() })
          .from(ingestDeadLetters)
          .where(deadLetterWhere(tenantId, filter))
          .groupBy(ingestDeadLetters.reason);
        return Object.fromEntries(rows.map((row) => [row.reason, Number(row.n)]));
      },
    },
  };
}
