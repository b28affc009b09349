// Contacts, on-call rotations and escalation policies (issue #5).
// Tenant-owned like every table in schema.ts: tenant_id on each row, row-level security in a
// hand-written migration (drizzle/*_people_rls.sql). The lists (a contact's channels, a rotation's
// members and overrides, a policy's levels) are JSON documents: they are always read and replaced
// whole, their order is their meaning, and the use-cases keep the references inside them (see
// PeopleRepositories in shared/src/ports/people-store.ts).
import type { Contact, EscalationLevel, RepeatBackoff } from '@plantwatch/shared';
import { index, integer, jsonb, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, tenantOwnerColumn, updatedAt } from '../../../platform/database/schema.ts';

export const contacts = pgTable(
  'contacts',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantOwnerColumn(),
    name: text('name').notNull(),
    channels: jsonb('channels').$type<Contact['channels']>().notNull(),
    /** The language pages go out in (a BCP 47 tag of shared/src/preferences.ts). */
    language: text('language').notNull().default('en-GB'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('contacts_tenant_id_id_key').on(t.tenantId, t.id),
    index('contacts_tenant_name_idx').on(t.tenantId, t.name),
  ],
);

export const onCallRotations = pgTable(
  'on_call_rotations',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantOwnerColumn(),
    name: text('name').notNull(),
    timeZone: text('time_zone').notNull(),
    /** HH:MM local time in time_zone. */
    handoffTime: text('handoff_time').notNull(),
    period: text('period', { enum: ['daily', 'weekly'] }).notNull(),
    /** 0 = Sunday … 6 = Saturday; null for daily rotations. */
    handoffDay: integer('handoff_day'),
    /** Contact ids in rotation order. */
    members: jsonb('members').$type<string[]>().notNull(),
    overrides: jsonb('overrides').$type<{ contactId: string; from: string; to: string }[]>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('on_call_rotations_tenant_id_id_key').on(t.tenantId, t.id),
    index('on_call_rotations_tenant_name_idx').on(t.tenantId, t.name),
  ],
);

export const escalationPolicies = pgTable(
  'escalation_policies',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantOwnerColumn(),
    name: text('name').notNull(),
    repeat: integer('repeat').notNull(),
    repeatBackoff: jsonb('repeat_backoff').$type<RepeatBackoff>(),
    levels: jsonb('levels').$type<EscalationLevel[]>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('escalation_policies_tenant_id_id_key').on(t.tenantId, t.id),
    index('escalation_policies_tenant_name_idx').on(t.tenantId, t.name),
  ],
);
