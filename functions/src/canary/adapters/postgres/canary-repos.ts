// The tenant canary's settings and runs: the PostgreSQL implementation of CanaryRepositories, and the
// cross-tenant lookup of tenants with canary work due.
import { and, asc, desc, eq, gt, inArray, isNull, lte, ne, sql } from 'drizzle-orm';
import type { ConfigDb } from '../../../platform/database/database.ts';
import type {
  CanaryLookups,
  CanaryRepositories,
  CanaryRunRecord,
  CanarySettingsRecord,
} from '../../ports.ts';
import { canaryRuns, tenantCanaries } from './schema.ts';

const toSettings = (r: typeof tenantCanaries.$inferSelect): CanarySettingsRecord => ({
  enabled: r.enabled,
  contactId: r.contactId,
  at: r.at,
  days: r.days,
  timeZone: r.timeZone,
  ackWithinMinutes: r.ackWithinMinutes,
  notifyAdmins: r.notifyAdmins,
  lastSlotAt: r.lastSlotAt,
  nextDueAt: r.nextDueAt,
  updatedAt: r.updatedAt,
});

const toRun = (r: typeof canaryRuns.$inferSelect): CanaryRunRecord => ({
  id: r.id,
  tenantId: r.tenantId,
  slotAt: r.slotAt,
  trigger: r.trigger,
  contactId: r.contactId,
  contactName: r.contactName,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.nextAttemptAt,
  lastError: r.lastError,
  channel: r.channel,
  recipient: r.recipient,
  notificationId: r.notificationId,
  sentAt: r.sentAt,
  dueBy: r.dueBy,
  acknowledgedAt: r.acknowledgedAt,
  acknowledgedBy: r.acknowledgedBy,
  acknowledgedVia: r.acknowledgedVia,
  missedReason: r.missedReason,
  adminNotice: r.adminNotice,
  createdAt: r.createdAt,
});

const open = inArray(canaryRuns.status, ['pending', 'sent']);

/** Runs inside `inTenant`'s transaction, where row-level security shows only `tenantId`'s rows. */
export function canaryRepositories(tx: ConfigDb, tenantId: string): CanaryRepositories {
  const mine = eq(canaryRuns.tenantId, tenantId);
  const byId = (id: string) => and(mine, eq(canaryRuns.id, id));
  return {
    canarySettings: {
      async get() {
        const [row] = await tx.select().from(tenantCanaries).where(eq(tenantCanaries.tenantId, tenantId));
        return row ? toSettings(row) : null;
      },
      async put(settings, at) {
        const values = { ...settings, updatedAt: at };
        const [row] = await tx
          .insert(tenantCanaries)
          .values({ ...values, tenantId })
          .onConflictDoUpdate({ target: tenantCanaries.tenantId, set: values })
          .returning();
        if (!row) throw new Error('canary settings upsert returned no row');
        return toSettings(row);
      },
      async advance(expected, next, at) {
        const rows = await tx
          .update(tenantCanaries)
          .set({ lastSlotAt: next.lastSlotAt, nextDueAt: next.nextDueAt, updatedAt: at })
          .where(and(eq(tenantCanaries.tenantId, tenantId), eq(tenantCanaries.lastSlotAt, expected)))
          .returning({ tenantId: tenantCanaries.tenantId });
        return rows.length === 1;
      },
    },
    canaryRuns: {
      async insertIfAbsent(run) {
        const [row] = await tx
          .insert(canaryRuns)
          .values({ ...run, tenantId, status: 'pending', attempts: 0, updatedAt: run.createdAt })
          .onConflictDoNothing({ target: [canaryRuns.tenantId, canaryRuns.trigger, canaryRuns.slotAt] })
          .returning();
        return row ? toRun(row) : null;
      },
      async get(id) {
        const [row] = await tx.select().from(canaryRuns).where(byId(id));
        return row ? toRun(row) : null;
      },
      async list({ status, limit }) {
        const rows = await tx
          .select()
          .from(canaryRuns)
          .where(and(mine, status ? eq(canaryRuns.status, status) : undefined))
          .orderBy(desc(canaryRuns.slotAt), desc(canaryRuns.createdAt))
          .limit(limit);
        return rows.map(toRun);
      },
      async listDueForSending(now, limit) {
        const rows = await tx
          .select()
          .from(canaryRuns)
          .where(
            and(
              mine,
              eq(canaryRuns.status, 'pending'),
              lte(canaryRuns.nextAttemptAt, now),
              gt(canaryRuns.dueBy, now),
            ),
          )
          .orderBy(asc(canaryRuns.nextAttemptAt))
          .limit(limit);
        return rows.map(toRun);
      },
      async listOverdue(now, limit) {
        const rows = await tx
          .select()
          .from(canaryRuns)
          .where(and(mine, open, lte(canaryRuns.dueBy, now)))
          .orderBy(asc(canaryRuns.dueBy))
          .limit(limit);
        return rows.map(toRun);
      },
      async claimAttempt(id, now, leaseMs) {
        const [row] = await tx
          .update(canaryRuns)
          .set({
            attempts: sql`${canaryRuns.attempts} + 1`,
            nextAttemptAt: new Date(now.getTime() + leaseMs),
            updatedAt: now,
          })
          .where(
            and(
              byId(id),
              eq(canaryRuns.status, 'pending'),
              lte(canaryRuns.nextAttemptAt, now),
              gt(canaryRuns.dueBy, now),
            ),
          )
          .returning();
        return row ? toRun(row) : null;
      },
      async markSent(id, { channel, recipient, notificationId, at }) {
        const [row] = await tx
          .update(canaryRuns)
          .set({
            status: 'sent',
            channel,
            recipient,
            notificationId,
            sentAt: at,
            lastError: null,
            updatedAt: at,
          })
          .where(and(byId(id), eq(canaryRuns.status, 'pending')))
          .returning();
        return row ? toRun(row) : null;
      },
      async markAttemptFailed(id, { error, retryAt, at }) {
        await tx
          .update(canaryRuns)
          .set({ lastError: error, nextAttemptAt: retryAt, updatedAt: at })
          .where(and(byId(id), eq(canaryRuns.status, 'pending')));
      },
      async acknowledge(id, { at, by, via }) {
        const [row] = await tx
          .update(canaryRuns)
          .set({
            status: 'acknowledged',
            acknowledgedAt: at,
            acknowledgedBy: by,
            acknowledgedVia: via,
            updatedAt: at,
          })
          .where(and(byId(id), open, gt(canaryRuns.dueBy, at)))
          .returning();
        return row ? toRun(row) : null;
      },
      async recordLateAck(id, { at, by, via }) {
        const [row] = await tx
          .update(canaryRuns)
          .set({ acknowledgedAt: at, acknowledgedBy: by, acknowledgedVia: via, updatedAt: at })
          .where(and(byId(id), isNull(canaryRuns.acknowledgedAt), ne(canaryRuns.status, 'acknowledged')))
          .returning();
        return row ? toRun(row) : null;
      },
      async markMissed(id, { reason, at }) {
        const [row] = await tx
          .update(canaryRuns)
          .set({ status: 'missed', missedReason: reason, updatedAt: at })
          .where(and(byId(id), open))
          .returning();
        return row ? toRun(row) : null;
      },
      async setAdminNotice(id, notice, at) {
        await tx.update(canaryRuns).set({ adminNotice: notice, updatedAt: at }).where(byId(id));
      },
    },
  };
}

/** Tenants with a slot due, a page to send or retry, or a deadline passed (a SECURITY DEFINER function, 0032). */
export function canaryLookups(db: ConfigDb): CanaryLookups {
  return {
    async findTenantsWithCanaryWork(now) {
      const result = (await db.execute(
        sql`select tenant_id from tenant_canary_work(${now.toISOString()})`,
      )) as {
        rows: { tenant_id: string }[];
      };
      return result.rows.map((row) => row.tenant_id);
    },
  };
}
