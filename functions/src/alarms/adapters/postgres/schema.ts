import {
  bigint,
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { derivedTags } from '../../../derived-tags/adapters/postgres/schema.ts';
import { sites, tags } from '../../../plant/adapters/postgres/schema.ts';
import {
  createdAt,
  tenantForeignKey,
  tenantIdColumn,
  tenantOwnerColumn,
  updatedAt,
} from '../../../platform/database/schema.ts';

/**
 * Alarm rules (issue #5). What a rule watches is in columns (site, tag) so that deleting a tag
 * takes its rules with it and the ingest path finds a batch's rules by tag; the kind-specific
 * settings are one JSON document, checked against alarmRuleSchema whenever it is read.
 */
export const alarmRules = pgTable(
  'alarm_rules',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantIdColumn(),
    siteId: uuid('site_id').notNull(),
    tagId: uuid('tag_id'),
    /** A rule on a derived tag (ADR 0039) names it here instead of in tag_id; the API calls both tagId. */
    derivedTagId: uuid('derived_tag_id'),
    kind: text('kind').notNull(),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('alarm_rules_tenant_id_id_key').on(t.tenantId, t.id),
    index('alarm_rules_tenant_tag_idx').on(t.tenantId, t.tagId),
    tenantForeignKey('alarm_rules_site_fk', [t.tenantId, t.siteId], sites).onDelete('cascade'),
    tenantForeignKey('alarm_rules_tag_fk', [t.tenantId, t.tagId], tags).onDelete('cascade'),
    tenantForeignKey('alarm_rules_derived_tag_fk', [t.tenantId, t.derivedTagId], derivedTags).onDelete(
      'cascade',
    ),
    index('alarm_rules_tenant_derived_tag_idx').on(t.tenantId, t.derivedTagId),
  ],
);

/** The alarm engine's state per rule (plain JSON), so a restart or a second instance continues. */
export const alarmStates = pgTable(
  'alarm_states',
  {
    ruleId: uuid('rule_id').primaryKey(),
    tenantId: tenantIdColumn(),
    state: jsonb('state').$type<unknown>().notNull(),
    /**
     * Bumped by every write: an instance that evaluated from a state it holds in memory writes only
     * where the version is still the one it read (ADR 0034), so two never both act on one state.
     */
    version: bigint('version', { mode: 'number' }).notNull().default(0),
    updatedAt: updatedAt(),
  },
  (t) => [tenantForeignKey('alarm_states_rule_fk', [t.tenantId, t.ruleId], alarmRules).onDelete('cascade')],
);

/** The alarm journal: every transition, with who caused it and through which channel. */
export const alarmEvents = pgTable(
  'alarm_events',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantIdColumn(),
    ruleId: uuid('rule_id').notNull(),
    alarmId: uuid('alarm_id').notNull(),
    /** The limit-stack level, or "alarm" for the other kinds. */
    alarmKey: text('alarm_key').notNull(),
    siteId: uuid('site_id').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
    fromState: text('from_state').notNull(),
    toState: text('to_state').notNull(),
    kind: text('kind').notNull(),
    by: jsonb('by').$type<{ type: string; id?: string; name?: string }>().notNull(),
    channel: text('channel').notNull(),
    value: jsonb('value').$type<unknown>(),
    comment: text('comment'),
    createdAt: createdAt(),
  },
  (t) => [
    index('alarm_events_tenant_rule_at_idx').on(t.tenantId, t.ruleId, t.at),
    // the alarm history across rules: which alarms changed in a time range
    index('alarm_events_tenant_at_idx').on(t.tenantId, t.at),
    tenantForeignKey('alarm_events_rule_fk', [t.tenantId, t.ruleId], alarmRules).onDelete('cascade'),
  ],
);

/**
 * Escalation intents (the transactional outbox of alarm delivery): a chain to start for a raised alarm
 * or to stop for an acknowledged one, written in the same transaction as the alarm's events, then
 * delivered to the escalation starter after commit and re-driven until delivered. `seq` orders the
 * intents of one alarm, so a stop never overtakes its start. No foreign key to the rule or event:
 * the record of a page outlives both.
 */
export const escalationIntents = pgTable(
  'escalation_intents',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantOwnerColumn(),
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    kind: text('kind', { enum: ['start', 'stop'] }).notNull(),
    ruleId: uuid('rule_id').notNull(),
    alarmId: uuid('alarm_id').notNull(),
    /** The event that raised (start) or acknowledged (stop) the alarm. */
    alarmEventId: uuid('alarm_event_id').notNull(),
    policyId: uuid('policy_id'),
    reason: text('reason'),
    /** The correlation id of the batch (or check pass) that raised it: a re-driven chain carries it. */
    correlationId: text('correlation_id'),
    state: text('state', { enum: ['pending', 'started', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull(),
    lastError: text('last_error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('escalation_intents_tenant_state_next_idx').on(t.tenantId, t.state, t.nextAttemptAt),
    index('escalation_intents_tenant_alarm_seq_idx').on(t.tenantId, t.alarmId, t.seq),
    index('escalation_intents_tenant_rule_created_idx').on(t.tenantId, t.ruleId, t.createdAt),
  ],
);
