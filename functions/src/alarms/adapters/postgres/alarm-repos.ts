// AlarmRepositories and AlarmLookups on PostgreSQL: rules, the engine's state per rule (locked while
// an instance acts on it) and the journal.
import { type AlarmRule, alarmRuleSchema } from '@plantwatch/shared';
import { and, asc, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { ConfigDb } from '../../../platform/database/database.ts';
import { getTenantRow, iso, type Row, required, siteFilter } from '../../../platform/database/tenant-rows.ts';
import type { AlarmLookups, AlarmRepositories, AlarmRuleRecord } from '../../ports.ts';
import { toAlarmEvent } from './alarm-event-rows.ts';
import { alarmEvents, alarmRules, alarmStates } from './schema.ts';

// What a rule watches and when it was made are columns; everything else is the settings document.
const toAlarmRule = (r: Row<typeof alarmRules>): AlarmRule =>
  alarmRuleSchema.parse({
    ...r.settings,
    id: r.id,
    tenantId: r.tenantId,
    siteId: r.siteId,
    tagId: r.tagId,
    kind: r.kind,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  });

function alarmRuleSettings(rule: AlarmRuleRecord): Record<string, unknown> {
  const { id: _id, siteId: _siteId, tagId: _tagId, kind: _kind, ...settings } = rule;
  return settings;
}

export function alarmRepositories(tx: ConfigDb, tenantId: string): AlarmRepositories {
  const now = () => new Date();
  return {
    alarmRules: {
      async list({ siteId, tagIds, scope }) {
        if (tagIds?.length === 0) return [];
        const rows = await tx
          .select()
          .from(alarmRules)
          .where(
            and(
              eq(alarmRules.tenantId, tenantId),
              siteId ? eq(alarmRules.siteId, siteId) : undefined,
              tagIds ? inArray(alarmRules.tagId, [...tagIds]) : undefined,
              siteFilter(alarmRules.siteId, scope),
            ),
          )
          .orderBy(asc(alarmRules.createdAt), asc(alarmRules.id));
        return rows.map(toAlarmRule);
      },
      get: (id) => getTenantRow(tx, tenantId, alarmRules, id, toAlarmRule),
      async create(rule) {
        const [row] = await tx
          .insert(alarmRules)
          .values({
            id: rule.id,
            tenantId,
            siteId: rule.siteId,
            tagId: rule.tagId,
            kind: rule.kind,
            settings: alarmRuleSettings(rule),
          })
          .returning();
        return toAlarmRule(required(row));
      },
      async replace(rule) {
        const [row] = await tx
          .update(alarmRules)
          .set({ settings: alarmRuleSettings(rule), updatedAt: now() })
          .where(
            and(
              eq(alarmRules.tenantId, tenantId),
              eq(alarmRules.id, rule.id),
              eq(alarmRules.kind, rule.kind),
            ),
          )
          .returning();
        return row ? toAlarmRule(row) : null;
      },
      async remove(id) {
        const rows = await tx
          .delete(alarmRules)
          .where(and(eq(alarmRules.tenantId, tenantId), eq(alarmRules.id, id)))
          .returning({ id: alarmRules.id });
        return rows.length > 0;
      },
    },

    alarmStates: {
      async list(ruleIds) {
        if (ruleIds.length === 0) return [];
        return tx
          .select({ ruleId: alarmStates.ruleId, state: alarmStates.state, updatedAt: alarmStates.updatedAt })
          .from(alarmStates)
          .where(and(eq(alarmStates.tenantId, tenantId), inArray(alarmStates.ruleId, [...ruleIds])));
      },
      async lock(ruleIds) {
        if (ruleIds.length === 0) return;
        // NO KEY UPDATE: excludes another locker, but not the key-share locks that inserting the
        // rule's events and state takes for their foreign keys.
        await tx
          .select({ id: alarmRules.id })
          .from(alarmRules)
          .where(and(eq(alarmRules.tenantId, tenantId), inArray(alarmRules.id, [...ruleIds])))
          .orderBy(asc(alarmRules.id))
          .for('no key update');
      },
      async put(ruleId, state, at) {
        await tx
          .insert(alarmStates)
          .values({ ruleId, tenantId, state, updatedAt: at })
          .onConflictDoUpdate({ target: alarmStates.ruleId, set: { state, updatedAt: at } });
      },
    },

    alarmEvents: {
      async insert(events) {
        if (events.length === 0) return;
        await tx.insert(alarmEvents).values(
          events.map((event) => ({
            id: event.id,
            tenantId,
            ruleId: event.ruleId,
            alarmId: event.alarmId,
            alarmKey: event.alarmKey,
            siteId: event.siteId,
            at: new Date(event.at),
            fromState: event.from,
            toState: event.to,
            kind: event.kind,
            by: event.by,
            channel: event.channel,
            value: event.value ?? null,
            comment: event.comment ?? null,
          })),
        );
      },
      async list({ ruleId }, limit) {
        const rows = await tx
          .select()
          .from(alarmEvents)
          .where(and(eq(alarmEvents.tenantId, tenantId), eq(alarmEvents.ruleId, ruleId)))
          .orderBy(desc(alarmEvents.at), desc(alarmEvents.createdAt), desc(alarmEvents.id))
          .limit(limit);
        return rows.map(toAlarmEvent);
      },
      async alarmIdsBetween({ from, to }) {
        const rows = await tx
          .selectDistinct({ alarmId: alarmEvents.alarmId })
          .from(alarmEvents)
          .where(and(eq(alarmEvents.tenantId, tenantId), gte(alarmEvents.at, from), lt(alarmEvents.at, to)));
        return rows.map((row) => row.alarmId);
      },
    },
  };
}

export function alarmLookups(db: ConfigDb): AlarmLookups {
  return {
    async findTenantsWithAlarmTimers() {
      const result = (await db.execute(sql`select tenant_id from alarm_check_tenants()`)) as {
        rows: { tenant_id: string }[];
      };
      return result.rows.map((row) => row.tenant_id);
    },
  };
}
