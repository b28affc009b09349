// AlarmRepositories and AlarmLookups on PostgreSQL: rules, the engine's state per rule (locked while
// an instance acts on it) and the journal.
import { type AlarmRule, alarmRuleSchema } from '@plantwatch/shared';
import { and, asc, desc, eq, gte, inArray, lt, lte, max, notExists, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { derivedTags } from '../../../derived-tags/adapters/postgres/schema.ts';
import type { ConfigDb } from '../../../platform/database/database.ts';
import { getTenantRow, iso, type Row, required, siteFilter } from '../../../platform/database/tenant-rows.ts';
import type { AlarmLookups, AlarmRepositories, AlarmRuleRecord, EscalationIntent } from '../../ports.ts';
import { toAlarmEvent } from './alarm-event-rows.ts';
import { alarmEvents, alarmRules, alarmStates, escalationIntents } from './schema.ts';

// What a rule watches and when it was made are columns; everything else is the settings document.
const toAlarmRule = (r: Row<typeof alarmRules>): AlarmRule =>
  alarmRuleSchema.parse({
    ...r.settings,
    id: r.id,
    tenantId: r.tenantId,
    siteId: r.siteId,
    tagId: r.tagId ?? r.derivedTagId,
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
    escalationIntents: escalationIntentRepository(tx, tenantId),
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
              tagIds
                ? or(inArray(alarmRules.tagId, [...tagIds]), inArray(alarmRules.derivedTagId, [...tagIds]))
                : undefined,
              siteFilter(alarmRules.siteId, scope),
            ),
          )
          .orderBy(asc(alarmRules.createdAt), asc(alarmRules.id));
        return rows.map(toAlarmRule);
      },
      async fingerprint(siteId) {
        const result = (await tx.execute(sql`
          SELECT count(*)::int AS n, coalesce(max(updated_at)::text, '') AS latest,
                 coalesce(sum(extract(epoch FROM updated_at)), 0)::text AS total
          FROM alarm_rules WHERE tenant_id = ${tenantId} AND site_id = ${siteId}`)) as {
          rows: { n: number; latest: string; total: string }[];
        };
        const [row] = result.rows;
        return `${row?.n ?? 0}|${row?.latest ?? ''}|${row?.total ?? ''}`;
      },
      get: (id) => getTenantRow(tx, tenantId, alarmRules, id, toAlarmRule),
      async create(rule) {
        // A derived tag's id goes into derived_tag_id (its own foreign key), a tag's into tag_id.
        const derived =
          rule.tagId === null
            ? []
            : await tx
                .select({ id: derivedTags.id })
                .from(derivedTags)
                .where(and(eq(derivedTags.tenantId, tenantId), eq(derivedTags.id, rule.tagId)));
        const [row] = await tx
          .insert(alarmRules)
          .values({
            id: rule.id,
            tenantId,
            siteId: rule.siteId,
            tagId: derived.length > 0 ? null : rule.tagId,
            derivedTagId: derived.length > 0 ? rule.tagId : null,
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
          .select({
            ruleId: alarmStates.ruleId,
            state: alarmStates.state,
            version: alarmStates.version,
            updatedAt: alarmStates.updatedAt,
          })
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
      async putMany(entries, at) {
        if (entries.length === 0) return new Map();
        const rows = await tx
          .insert(alarmStates)
          .values(
            entries.map(({ ruleId, state }) => ({ ruleId, tenantId, state, version: 1, updatedAt: at })),
          )
          .onConflictDoUpdate({
            target: alarmStates.ruleId,
            set: {
              state: sql`excluded.state`,
              version: sql`${alarmStates.version} + 1`,
              updatedAt: sql`excluded.updated_at`,
            },
          })
          .returning({ ruleId: alarmStates.ruleId, version: alarmStates.version });
        return new Map(rows.map((row) => [row.ruleId, row.version]));
      },
      async putIfCurrent(entries, at) {
        if (entries.length === 0) return new Map();
        // One statement for the batch: each state is written only where it is still the version
        // the caller read and its rule has not changed since (updated_at to the millisecond, as the
        // API hands it out).
        const result = (await tx.execute(sql`
          UPDATE alarm_states AS s
          SET state = v.state, version = s.version + 1, updated_at = ${at.toISOString()}::timestamptz
          FROM jsonb_to_recordset(${JSON.stringify(entries)}::jsonb)
                 AS v("ruleId" uuid, state jsonb, version bigint, "ruleUpdatedAt" timestamptz),
               alarm_rules AS r
          WHERE s.tenant_id = ${tenantId} AND s.rule_id = v."ruleId" AND s.version = v.version
            AND r.tenant_id = ${tenantId} AND r.id = v."ruleId"
            AND date_trunc('milliseconds', r.updated_at) = v."ruleUpdatedAt"
          RETURNING s.rule_id, s.version`)) as { rows: { rule_id: string; version: number | string }[] };
        return new Map(result.rows.map((row) => [row.rule_id, Number(row.version)]));
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
      async lastAt(alarmId, kinds) {
        if (kinds.length === 0) return null;
        const [row] = await tx
          .select({ at: max(alarmEvents.at) })
          .from(alarmEvents)
          .where(
            and(
              eq(alarmEvents.tenantId, tenantId),
              eq(alarmEvents.alarmId, alarmId),
              inArray(alarmEvents.kind, [...kinds]),
            ),
          );
        return row?.at ?? null;
      },
      async lastAtByAlarm({ ruleIds, kind }) {
        if (ruleIds.length === 0) return new Map();
        const rows = await tx
          .select({ alarmId: alarmEvents.alarmId, at: max(alarmEvents.at) })
          .from(alarmEvents)
          .where(
            and(
              eq(alarmEvents.tenantId, tenantId),
              inArray(alarmEvents.ruleId, [...ruleIds]),
              eq(alarmEvents.kind, kind),
            ),
          )
          .groupBy(alarmEvents.alarmId);
        return new Map(rows.flatMap((row) => (row.at ? [[row.alarmId, row.at] as const] : [])));
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
    async findTenantsWithDueEscalationIntents() {
      const result = (await db.execute(sql`select tenant_id from escalation_intents_due()`)) as {
        rows: { tenant_id: string }[];
      };
      return result.rows.map((row) => row.tenant_id);
    },
    async escalationIntentSummary() {
      const result = (await db.execute(sql`select * from escalation_intents_summary()`)) as {
        rows: { pending: string | number; failed: string | number; oldest_pending: string | Date | null }[];
      };
      const row = result.rows[0];
      return {
        pending: Number(row?.pending ?? 0),
        failed: Number(row?.failed ?? 0),
        oldestPendingAt: row?.oldest_pending ? new Date(row.oldest_pending) : null,
      };
    },
    async findTenantsWithAlarmTimers() {
      const result = (await db.execute(sql`select tenant_id from alarm_check_tenants()`)) as {
        rows: { tenant_id: string }[];
      };
      return result.rows.map((row) => row.tenant_id);
    },
  };
}

const toIntent = (r: Row<typeof escalationIntents>): EscalationIntent => ({
  id: r.id,
  tenantId: r.tenantId,
  seq: r.seq,
  kind: r.kind,
  ruleId: r.ruleId,
  alarmId: r.alarmId,
  alarmEventId: r.alarmEventId,
  policyId: r.policyId,
  reason: r.reason,
  correlationId: r.correlationId,
  state: r.state,
  attempts: r.attempts,
  nextAttemptAt: r.nextAttemptAt,
  lastError: r.lastError,
  createdAt: r.createdAt,
  deliveredAt: r.deliveredAt,
});

function escalationIntentRepository(tx: ConfigDb, tenantId: string): AlarmRepositories['escalationIntents'] {
  const ofTenant = eq(escalationIntents.tenantId, tenantId);
  return {
    async insert(intents) {
      if (intents.length === 0) return;
      await tx.insert(escalationIntents).values(
        intents.map((intent) => ({
          id: intent.id,
          tenantId,
          kind: intent.kind,
          ruleId: intent.ruleId,
          alarmId: intent.alarmId,
          alarmEventId: intent.alarmEventId,
          policyId: intent.policyId,
          reason: intent.reason,
          correlationId: intent.correlationId ?? null,
          state: 'pending' as const,
          nextAttemptAt: intent.at,
          createdAt: intent.at,
          updatedAt: intent.at,
        })),
      );
    },
    async claimDue({ now, leaseMs, limit }) {
      const earlier = alias(escalationIntents, 'earlier');
      // First in line for its alarm: no earlier intent of the same alarm is still pending.
      const due = tx
        .select({ id: escalationIntents.id })
        .from(escalationIntents)
        .where(
          and(
            ofTenant,
            eq(escalationIntents.state, 'pending'),
            lte(escalationIntents.nextAttemptAt, now),
            notExists(
              tx
                .select({ one: sql`1` })
                .from(earlier)
                .where(
                  and(
                    eq(earlier.tenantId, tenantId),
                    eq(earlier.alarmId, escalationIntents.alarmId),
                    eq(earlier.state, 'pending'),
                    lt(earlier.seq, escalationIntents.seq),
                  ),
                ),
            ),
          ),
        )
        .orderBy(asc(escalationIntents.seq))
        .limit(limit)
        .for('update', { skipLocked: true });
      const rows = await tx
        .update(escalationIntents)
        .set({
          attempts: sql`${escalationIntents.attempts} + 1`,
          nextAttemptAt: new Date(now.getTime() + leaseMs),
          updatedAt: now,
        })
        .where(and(ofTenant, inArray(escalationIntents.id, due)))
        .returning();
      return rows.map(toIntent).sort((a, b) => a.seq - b.seq);
    },
    async markStarted(id, at) {
      await tx
        .update(escalationIntents)
        .set({ state: 'started', deliveredAt: at, updatedAt: at, lastError: null })
        .where(and(ofTenant, eq(escalationIntents.id, id), eq(escalationIntents.state, 'pending')));
    },
    async markUndelivered(id, { at, error, retryAt }) {
      await tx
        .update(escalationIntents)
        .set({
          lastError: error.slice(0, 2000),
          updatedAt: at,
          ...(retryAt === null ? { state: 'failed' as const } : { nextAttemptAt: retryAt }),
        })
        .where(and(ofTenant, eq(escalationIntents.id, id), eq(escalationIntents.state, 'pending')));
    },
    async listForRule(ruleId, limit) {
      const rows = await tx
        .select()
        .from(escalationIntents)
        .where(and(ofTenant, eq(escalationIntents.ruleId, ruleId)))
        .orderBy(desc(escalationIntents.seq))
        .limit(limit);
      return rows.map(toIntent);
    },
  };
}
