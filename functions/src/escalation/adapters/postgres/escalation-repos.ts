// Escalation runs: which chain runs for which alarm event, and how far it got (issue #5): the PostgreSQL implementation of EscalationRepositories.
import { and, desc, eq, sql } from 'drizzle-orm';
import { alarmEvents } from '../../../alarms/adapters/postgres/schema.ts';
import type { ConfigDb } from '../../../platform/database/database.ts';
import type {
  EscalationRepositories,
  EscalationRun,
  EscalationStatus,
  RunningEscalationsLookup,
} from '../../ports.ts';
import { escalations } from './schema.ts';

const toRun = (r: typeof escalations.$inferSelect): EscalationRun => ({
  id: r.id,
  tenantId: r.tenantId,
  executionName: r.executionName,
  alarmEventId: r.alarmEventId,
  alarmId: r.alarmId,
  policyId: r.policyId,
  status: r.status,
  round: r.round,
  level: r.level,
  lastNotifiedAt: r.lastNotifiedAt,
  reason: r.reason,
  startedAt: r.startedAt,
  updatedAt: r.updatedAt,
  endedAt: r.endedAt,
});

/** Runs inside `inTenant`'s transaction, where row-level security shows only `tenantId`'s rows. */
export function escalationRepositories(tx: ConfigDb, tenantId: string): EscalationRepositories {
  const byName = (executionName: string) =>
    and(eq(escalations.tenantId, tenantId), eq(escalations.executionName, executionName));
  const running = eq(escalations.status, 'running' satisfies EscalationStatus);
  return {
    escalations: {
      async insertIfAbsent(run) {
        const [inserted] = await tx
          .insert(escalations)
          .values({ ...run, tenantId, status: 'running', updatedAt: run.startedAt })
          .onConflictDoNothing({ target: [escalations.tenantId, escalations.executionName] })
          .returning();
        if (inserted) return { run: toRun(inserted), created: true };
        const [existing] = await tx.select().from(escalations).where(byName(run.executionName));
        if (!existing) throw new Error(`escalation ${run.executionName} neither inserted nor found`);
        return { run: toRun(existing), created: false };
      },
      async get(executionName) {
        const [row] = await tx.select().from(escalations).where(byName(executionName));
        return row ? toRun(row) : null;
      },
      async listRunning({ alarmId }) {
        const rows = await tx
          .select()
          .from(escalations)
          .where(
            and(
              eq(escalations.tenantId, tenantId),
              running,
              alarmId ? eq(escalations.alarmId, alarmId) : undefined,
            ),
          )
          .orderBy(escalations.startedAt);
        return rows.map(toRun);
      },
      async list({ alarmId }, limit) {
        const rows = await tx
          .select()
          .from(escalations)
          .where(
            and(eq(escalations.tenantId, tenantId), alarmId ? eq(escalations.alarmId, alarmId) : undefined),
          )
          .orderBy(desc(escalations.startedAt), desc(escalations.id))
          .limit(limit);
        return rows.map(toRun);
      },
      async recordProgress(executionName, { round, level, at, reason }) {
        const [row] = await tx
          .update(escalations)
          .set({
            round,
            level,
            lastNotifiedAt: at,
            updatedAt: at,
            ...(reason === undefined ? {} : { reason }),
          })
          .where(and(byName(executionName), running))
          .returning();
        return row ? toRun(row) : null;
      },
      async end(executionName, { status, reason, at }) {
        const [row] = await tx
          .update(escalations)
          .set({ status, reason, updatedAt: at, endedAt: at })
          .where(and(byName(executionName), running))
          .returning();
        return row ? toRun(row) : null;
      },
      async alarmEvent(alarmEventId) {
        const [row] = await tx
          .select({
            ruleId: alarmEvents.ruleId,
            alarmKey: alarmEvents.alarmKey,
            alarmId: alarmEvents.alarmId,
            at: alarmEvents.at,
          })
          .from(alarmEvents)
          .where(and(eq(alarmEvents.tenantId, tenantId), eq(alarmEvents.id, alarmEventId)));
        return row ?? null;
      },
    },
  };
}

/** The cross-tenant start-up lookup, through the SECURITY DEFINER function of migration 0015. */
export function createRunningEscalationsLookup(db: ConfigDb): RunningEscalationsLookup {
  return {
    async listRunningEscalations() {
      const result = (await db.execute(sql`select * from escalations_running()`)) as {
        rows: { tenant_id: string; execution_name: string }[];
      };
      return result.rows.map((row) => ({ tenantId: row.tenant_id, executionName: row.execution_name }));
    },
  };
}
