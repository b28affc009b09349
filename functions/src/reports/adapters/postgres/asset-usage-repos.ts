// Which report definitions name assets in their scope (issue 21): the assets' delete asks, so a
// subtree a report is about is not deleted from under it (409 naming the report, as for rules).
import { and, eq, sql } from 'drizzle-orm';
import type { AssetUsageRepositories } from '../../../assets/ports.ts';
import type { ConfigDb } from '../../../platform/database/database.ts';
import { reportDefinitions } from './schema.ts';

export function reportAssetUsageRepositories(tx: ConfigDb, tenantId: string): AssetUsageRepositories {
  return {
    assetUsage: {
      async reportsUsing(assetIds) {
        if (assetIds.length === 0) return [];
        const ids = `{${assetIds.join(',')}}`;
        return tx
          .select({ id: reportDefinitions.id, name: reportDefinitions.name })
          .from(reportDefinitions)
          .where(
            and(
              eq(reportDefinitions.tenantId, tenantId),
              sql`coalesce(${reportDefinitions.scope} -> 'assetIds', '[]'::jsonb) ?| ${ids}::text[]`,
            ),
          )
          .orderBy(reportDefinitions.name);
      },
    },
  };
}
