// Contacts, on-call rotations and escalation policies (issue #5): the PostgreSQL implementation of PeopleRepositories.
import {
  type Contact,
  type EscalationPolicy,
  escalationPolicySchema,
  languageSchema,
  type OnCallRotation,
  onCallRotationSchema,
} from '@plantwatch/shared';
import { and, asc, type Column, eq, or, sql } from 'drizzle-orm';
import { alarmRules } from '../../../alarms/adapters/postgres/schema.ts';
import type { ConfigDb } from '../../../platform/database/database.ts';
import { namedTenantRows } from '../../../platform/database/tenant-rows.ts';
import type { OnCallRotationRecord, PeopleReference, PeopleRepositories } from '../../ports.ts';
import { contacts, escalationPolicies, onCallRotations } from './schema.ts';

type Row<T extends { $inferSelect: unknown }> = T['$inferSelect'];

const iso = (d: Date) => d.toISOString();

const toContact = (r: Row<typeof contacts>): Contact => ({
  id: r.id,
  tenantId: r.tenantId,
  name: r.name,
  channels: r.channels,
  language: languageSchema.parse(r.language),
  createdAt: iso(r.createdAt),
  updatedAt: iso(r.updatedAt),
});

// The JSON columns are checked against the API's schema when read, as alarm rules are: a row written
// by an older version fails loudly here instead of deep inside an escalation.
const toRotation = (r: Row<typeof onCallRotations>): OnCallRotation =>
  onCallRotationSchema.parse({
    id: r.id,
    tenantId: r.tenantId,
    name: r.name,
    timeZone: r.timeZone,
    handoffTime: r.handoffTime,
    period: r.period,
    handoffDay: r.handoffDay,
    members: r.members,
    overrides: r.overrides,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  });

const toPolicy = (r: Row<typeof escalationPolicies>): EscalationPolicy =>
  escalationPolicySchema.parse({
    id: r.id,
    tenantId: r.tenantId,
    name: r.name,
    repeat: r.repeat,
    repeatBackoff: r.repeatBackoff ?? null,
    levels: r.levels,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  });

// Named one by one: a caller may pass a whole OnCallRotation, whose timestamps are strings.
const rotationColumns = (rotation: OnCallRotationRecord) => ({
  name: rotation.name,
  timeZone: rotation.timeZone,
  handoffTime: rotation.handoffTime,
  period: rotation.period,
  handoffDay: rotation.handoffDay,
  members: rotation.members,
  overrides: rotation.overrides,
});

function required<T>(row: T | undefined): T {
  if (row === undefined) throw new Error('the database returned no row for an insert or update');
  return row;
}

/** `column @> value` for a jsonb column: does the document contain this fragment? */
const containsJson = (column: Column, fragment: unknown) =>
  sql`${column} @> ${JSON.stringify(fragment)}::jsonb`;

/** Runs inside `inTenant`'s transaction, where row-level security shows only `tenantId`'s rows. */
export function peopleRepositories(tx: ConfigDb, tenantId: string): PeopleRepositories {
  const now = () => new Date();

  return {
    contacts: {
      ...namedTenantRows(tx, tenantId, contacts, toContact),
      async create(contact) {
        const [row] = await tx
          .insert(contacts)
          .values({
            id: contact.id,
            tenantId,
            name: contact.name,
            channels: contact.channels,
            language: contact.language,
          })
          .returning();
        return toContact(required(row));
      },
      async update(id, patch) {
        const [row] = await tx
          .update(contacts)
          .set({ name: patch.name, channels: patch.channels, language: patch.language, updatedAt: now() })
          .where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, id)))
          .returning();
        return row ? toContact(row) : null;
      },
      async usage(id) {
        const rotations: PeopleReference[] = await tx
          .select({ id: onCallRotations.id, name: onCallRotations.name })
          .from(onCallRotations)
          .where(
            and(
              eq(onCallRotations.tenantId, tenantId),
              or(
                containsJson(onCallRotations.members, [id]),
                containsJson(onCallRotations.overrides, [{ contactId: id }]),
              ),
            ),
          )
          .orderBy(asc(onCallRotations.name), asc(onCallRotations.id));
        const policies: PeopleReference[] = await tx
          .select({ id: escalationPolicies.id, name: escalationPolicies.name })
          .from(escalationPolicies)
          .where(
            and(
              eq(escalationPolicies.tenantId, tenantId),
              containsJson(escalationPolicies.levels, [{ targets: [{ type: 'contact', contactId: id }] }]),
            ),
          )
          .orderBy(asc(escalationPolicies.name), asc(escalationPolicies.id));
        return { rotations, policies };
      },
    },

    onCallRotations: {
      ...namedTenantRows(tx, tenantId, onCallRotations, toRotation),
      async create(rotation) {
        const [row] = await tx
          .insert(onCallRotations)
          .values({ id: rotation.id, tenantId, ...rotationColumns(rotation) })
          .returning();
        return toRotation(required(row));
      },
      async replace(rotation) {
        const [row] = await tx
          .update(onCallRotations)
          .set({ ...rotationColumns(rotation), updatedAt: now() })
          .where(and(eq(onCallRotations.tenantId, tenantId), eq(onCallRotations.id, rotation.id)))
          .returning();
        return row ? toRotation(row) : null;
      },
      async usage(id) {
        const policies: PeopleReference[] = await tx
          .select({ id: escalationPolicies.id, name: escalationPolicies.name })
          .from(escalationPolicies)
          .where(
            and(
              eq(escalationPolicies.tenantId, tenantId),
              containsJson(escalationPolicies.levels, [{ targets: [{ type: 'rotation', rotationId: id }] }]),
            ),
          )
          .orderBy(asc(escalationPolicies.name), asc(escalationPolicies.id));
        return { policies };
      },
    },

    escalationPolicies: {
      ...namedTenantRows(tx, tenantId, escalationPolicies, toPolicy),
      async create(policy) {
        const [row] = await tx
          .insert(escalationPolicies)
          .values({
            id: policy.id,
            tenantId,
            name: policy.name,
            repeat: policy.repeat,
            repeatBackoff: policy.repeatBackoff,
            levels: policy.levels,
          })
          .returning();
        return toPolicy(required(row));
      },
      async update(id, patch) {
        const [row] = await tx
          .update(escalationPolicies)
          .set({
            name: patch.name,
            repeat: patch.repeat,
            repeatBackoff: patch.repeatBackoff,
            levels: patch.levels,
            updatedAt: now(),
          })
          .where(and(eq(escalationPolicies.tenantId, tenantId), eq(escalationPolicies.id, id)))
          .returning();
        return row ? toPolicy(row) : null;
      },
      async usage(id) {
        const alarmRuleRefs: PeopleReference[] = await tx
          .select({ id: alarmRules.id, name: sql<string>`${alarmRules.settings}->>'name'` })
          .from(alarmRules)
          .where(
            and(
              eq(alarmRules.tenantId, tenantId),
              sql`${alarmRules.settings}->>'escalationPolicyId' = ${id}`,
            ),
          )
          .orderBy(asc(alarmRules.createdAt), asc(alarmRules.id));
        return { alarmRules: alarmRuleRefs };
      },
    },
  };
}
