// People and paging by area (ADR 0042): the PostgreSQL implementation of AreaRepositories.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { ConfigDb } from '../../../platform/database/database.ts';
import { conflictsAsErrors } from '../../../platform/database/pg-errors.ts';
import type { AreaNode, AreaRepositories } from '../../area-ports.ts';
import { assets } from './schema.ts';
import { assetEscalationPolicies, userAssetScopes, userContacts } from './schema-people.ts';

const conflicts = {
  user_contacts_contact_key: 'contactId: this contact is already linked to another user',
  user_contacts_contact_fk: 'contactId: contact not found',
  user_asset_scopes_asset_fk: 'assetIds: asset not found',
  asset_escalation_policies_policy_fk: 'escalationPolicyId: escalation policy not found',
};

export function areaRepositories(tx: ConfigDb, tenantId: string): AreaRepositories {
  return {
    areas: {
      async ofUser(userId) {
        return tx
          .select({ assetId: userAssetScopes.assetId, siteId: assets.siteId })
          .from(userAssetScopes)
          .innerJoin(
            assets,
            and(eq(assets.tenantId, userAssetScopes.tenantId), eq(assets.id, userAssetScopes.assetId)),
          )
          .where(and(eq(userAssetScopes.tenantId, tenantId), eq(userAssetScopes.userId, userId)))
          .orderBy(asc(userAssetScopes.assetId));
      },
      async byUser() {
        const rows = await tx
          .select({ userId: userAssetScopes.userId, assetId: userAssetScopes.assetId })
          .from(userAssetScopes)
          .where(eq(userAssetScopes.tenantId, tenantId))
          .orderBy(asc(userAssetScopes.assetId));
        const byUser = new Map<string, string[]>();
        for (const row of rows) byUser.set(row.userId, [...(byUser.get(row.userId) ?? []), row.assetId]);
        return byUser;
      },
      async setForUser(userId, assetIds) {
        await conflictsAsErrors(conflicts, async () => {
          await tx
            .delete(userAssetScopes)
            .where(and(eq(userAssetScopes.tenantId, tenantId), eq(userAssetScopes.userId, userId)));
          if (assetIds.length === 0) return;
          await tx
            .insert(userAssetScopes)
            .values([...new Set(assetIds)].map((assetId) => ({ tenantId, userId, assetId })));
        });
      },
      async contactLinks() {
        return tx
          .select({ userId: userContacts.userId, contactId: userContacts.contactId })
          .from(userContacts)
          .where(eq(userContacts.tenantId, tenantId));
      },
      async setContact(userId, contactId) {
        await conflictsAsErrors(conflicts, async () => {
          await tx
            .delete(userContacts)
            .where(and(eq(userContacts.tenantId, tenantId), eq(userContacts.userId, userId)));
          if (contactId !== null) await tx.insert(userContacts).values({ tenantId, userId, contactId });
        });
      },
      async policies() {
        return tx
          .select({
            assetId: assetEscalationPolicies.assetId,
            siteId: assets.siteId,
            escalationPolicyId: assetEscalationPolicies.escalationPolicyId,
          })
          .from(assetEscalationPolicies)
          .innerJoin(
            assets,
            and(
              eq(assets.tenantId, assetEscalationPolicies.tenantId),
              eq(assets.id, assetEscalationPolicies.assetId),
            ),
          )
          .where(eq(assetEscalationPolicies.tenantId, tenantId));
      },
      async setPolicy(assetId, escalationPolicyId) {
        await conflictsAsErrors(conflicts, async () => {
          await tx
            .delete(assetEscalationPolicies)
            .where(
              and(
                eq(assetEscalationPolicies.tenantId, tenantId),
                eq(assetEscalationPolicies.assetId, assetId),
              ),
            );
          if (escalationPolicyId !== null)
            await tx.insert(assetEscalationPolicies).values({ tenantId, assetId, escalationPolicyId });
        });
      },
      async ofAlarm(rule) {
        // the assets reading the tag and the one the rule was made for, then every ancestor of them
        const result = (await tx.execute(sql`
          WITH RECURSIVE direct(id) AS (
            SELECT asset_id FROM asset_measurements
             WHERE tenant_id = ${tenantId} AND ${rule.tagId}::uuid IS NOT NULL
               AND (tag_id = ${rule.tagId}::uuid OR derived_tag_id = ${rule.tagId}::uuid)
            UNION
            SELECT asset_id FROM asset_alarm_rules WHERE tenant_id = ${tenantId} AND rule_id = ${rule.id}::uuid
          ), up(id, hops) AS (
            SELECT id, 0 FROM direct
            UNION
            SELECT a.parent_id, up.hops + 1 FROM assets a JOIN up ON a.id = up.id
             WHERE a.tenant_id = ${tenantId} AND a.parent_id IS NOT NULL AND up.hops < 100
          )
          SELECT a.id, a.site_id, a.parent_id, a.name, p.escalation_policy_id,
                 a.id IN (SELECT id FROM direct) AS direct
            FROM assets a
            LEFT JOIN asset_escalation_policies p ON p.tenant_id = a.tenant_id AND p.asset_id = a.id
           WHERE a.tenant_id = ${tenantId} AND a.id IN (SELECT id FROM up)`)) as {
          rows: {
            id: string;
            site_id: string;
            parent_id: string | null;
            name: string;
            escalation_policy_id: string | null;
            direct: boolean;
          }[];
        };
        const nodes: AreaNode[] = result.rows.map((row) => ({
          id: row.id,
          siteId: row.site_id,
          parentId: row.parent_id,
          name: row.name,
          escalationPolicyId: row.escalation_policy_id,
        }));
        return { direct: result.rows.filter((row) => row.direct).map((row) => row.id), nodes };
      },
      async policyUsage(escalationPolicyId) {
        return tx
          .select({ id: assets.id, name: assets.name })
          .from(assetEscalationPolicies)
          .innerJoin(
            assets,
            and(
              eq(assets.tenantId, assetEscalationPolicies.tenantId),
              eq(assets.id, assetEscalationPolicies.assetId),
            ),
          )
          .where(
            and(
              eq(assetEscalationPolicies.tenantId, tenantId),
              inArray(assetEscalationPolicies.escalationPolicyId, [escalationPolicyId]),
            ),
          )
          .orderBy(asc(assets.name));
      },
    },
  };
}
