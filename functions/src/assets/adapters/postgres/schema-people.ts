// People and paging by area (issue 21, ADR 0042): the escalation policy attached to an asset subtree,
// the assets a user is limited to, and which contact a user is paged as. Tenant-owned child rows,
// referenced by (tenant_id, id) like every other; row-level security in people-by-area-rls.sql.
import { index, pgTable, primaryKey, unique, uuid } from 'drizzle-orm/pg-core';
import { users } from '../../../accounts/adapters/postgres/schema.ts';
import { contacts, escalationPolicies } from '../../../people/adapters/postgres/schema.ts';
import { createdAt, tenantForeignKey, tenantIdColumn } from '../../../platform/database/schema.ts';
import { assets } from './schema.ts';

/**
 * The policy an area's alarms page through (nearest ancestor wins). Deleting the asset drops it;
 * deleting a policy an area still names is refused (409 from the use-case, NO ACTION here).
 */
export const assetEscalationPolicies = pgTable(
  'asset_escalation_policies',
  {
    tenantId: tenantIdColumn(),
    assetId: uuid('asset_id').notNull(),
    escalationPolicyId: uuid('escalation_policy_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'asset_escalation_policies_pkey', columns: [t.tenantId, t.assetId] }),
    index('asset_escalation_policies_policy_idx').on(t.tenantId, t.escalationPolicyId),
    tenantForeignKey('asset_escalation_policies_asset_fk', [t.tenantId, t.assetId], assets).onDelete(
      'cascade',
    ),
    tenantForeignKey(
      'asset_escalation_policies_policy_fk',
      [t.tenantId, t.escalationPolicyId],
      escalationPolicies,
    ).onDelete('no action'),
  ],
);

/** The asset subtrees a user sees (besides the sites they see whole); gone with the user or the asset. */
export const userAssetScopes = pgTable(
  'user_asset_scopes',
  {
    tenantId: tenantIdColumn(),
    userId: uuid('user_id').notNull(),
    assetId: uuid('asset_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'user_asset_scopes_pkey', columns: [t.tenantId, t.userId, t.assetId] }),
    index('user_asset_scopes_asset_idx').on(t.tenantId, t.assetId),
    tenantForeignKey('user_asset_scopes_user_fk', [t.tenantId, t.userId], users).onDelete('cascade'),
    tenantForeignKey('user_asset_scopes_asset_fk', [t.tenantId, t.assetId], assets).onDelete('cascade'),
  ],
);

/**
 * The contact a user is paged as: escalation reaches contacts, and a contact linked to an area-scoped
 * user is skipped for alarms outside the user's areas. One contact per user, one user per contact.
 */
export const userContacts = pgTable(
  'user_contacts',
  {
    tenantId: tenantIdColumn(),
    userId: uuid('user_id').notNull(),
    contactId: uuid('contact_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'user_contacts_pkey', columns: [t.tenantId, t.userId] }),
    unique('user_contacts_contact_key').on(t.tenantId, t.contactId),
    tenantForeignKey('user_contacts_user_fk', [t.tenantId, t.userId], users).onDelete('cascade'),
    tenantForeignKey('user_contacts_contact_fk', [t.tenantId, t.contactId], contacts).onDelete('cascade'),
  ],
);
