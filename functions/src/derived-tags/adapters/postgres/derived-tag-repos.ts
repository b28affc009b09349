// Derived tags: the PostgreSQL implementation of DerivedTagRepositories.
import { type DerivedTag, derivedTagSchema } from '@plantwatch/shared';
import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import type { ConfigDb } from '../../../platform/database/database.ts';
import { conflictsAsErrors } from '../../../platform/database/pg-errors.ts';
import { getTenantRow, iso, type Row, required, siteFilter } from '../../../platform/database/tenant-rows.ts';
import type { DerivedTagRecord, DerivedTagRepositories, PeriodicDerivedTagLookups } from '../../ports.ts';
import { derivedTags } from './schema.ts';

const toDerivedTag = (r: Row<typeof derivedTags>): DerivedTag =>
  derivedTagSchema.parse({
    id: r.id,
    tenantId: r.tenantId,
    siteId: r.siteId,
    key: r.key,
    name: r.name,
    description: r.description,
    formula: r.formula,
    unit: r.unit,
    inputs: r.inputs,
    periodSeconds: r.periodSeconds,
    staleAfterSeconds: r.staleAfterSeconds,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  });

const conflicts = { derived_tags_site_key_key: 'the site already has a derived tag with this key' };

export function derivedTagRepositories(tx: ConfigDb, tenantId: string): DerivedTagRepositories {
  const mine = (id: string) => and(eq(derivedTags.tenantId, tenantId), eq(derivedTags.id, id));
  return {
    derivedTags: {
      async list({ siteId, scope }) {
        const rows = await tx
          .select()
          .from(derivedTags)
          .where(
            and(
              eq(derivedTags.tenantId, tenantId),
              siteId ? eq(derivedTags.siteId, siteId) : undefined,
              siteFilter(derivedTags.siteId, scope),
            ),
          )
          .orderBy(asc(derivedTags.siteId), asc(derivedTags.key));
        return rows.map(toDerivedTag);
      },
      async listPeriodic() {
        const rows = await tx
          .select()
          .from(derivedTags)
          .where(and(eq(derivedTags.tenantId, tenantId), isNotNull(derivedTags.periodSeconds)))
          .orderBy(asc(derivedTags.siteId), asc(derivedTags.key));
        return rows.map(toDerivedTag);
      },
      get: (id) => getTenantRow(tx, tenantId, derivedTags, id, toDerivedTag),
      create: (tag: DerivedTagRecord) =>
        conflictsAsErrors(conflicts, async () => {
          const [row] = await tx
            .insert(derivedTags)
            .values({ ...tag, tenantId })
            .returning();
          return toDerivedTag(required(row));
        }),
      async replace(tag) {
        const [row] = await tx
          .update(derivedTags)
          .set({
            name: tag.name,
            description: tag.description,
            formula: tag.formula,
            unit: tag.unit,
            inputs: tag.inputs,
            periodSeconds: tag.periodSeconds,
            staleAfterSeconds: tag.staleAfterSeconds,
            updatedAt: new Date(),
          })
          .where(and(mine(tag.id), eq(derivedTags.siteId, tag.siteId)))
          .returning();
        return row ? toDerivedTag(row) : null;
      },
      async remove(id) {
        const rows = await tx.delete(derivedTags).where(mine(id)).returning({ id: derivedTags.id });
        return rows.length > 0;
      },
      async fingerprint(siteId) {
        const result = (await tx.execute(sql`
          SELECT count(*)::int AS n, coalesce(max(updated_at)::text, '') AS latest,
                 coalesce(sum(extract(epoch FROM updated_at)), 0)::text AS total
          FROM derived_tags WHERE tenant_id = ${tenantId} AND site_id = ${siteId}`)) as {
          rows: { n: number; latest: string; total: string }[];
        };
        const [row] = result.rows;
        return `${row?.n ?? 0}|${row?.latest ?? ''}|${row?.total ?? ''}`;
      },
    },
  };
}

/** The timer's one cross-tenant lookup, through periodic_derived_tag_tenants() (tenant ids only). */
export function periodicDerivedTagLookups(db: ConfigDb): PeriodicDerivedTagLookups {
  return {
    async findTenantsWithPeriodicDerivedTags() {
      const result = (await db.execute(sql`select tenant_id from periodic_derived_tag_tenants()`)) as {
        rows: { tenant_id: string }[];
      };
      return result.rows.map((row) => row.tenant_id);
    },
  };
}
