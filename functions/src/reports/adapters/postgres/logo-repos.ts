// The tenant's logo (issue #7): the PostgreSQL implementation of LogoRepositories.
import { logoMediaTypeSchema } from '@plantwatch/shared';
import { eq } from 'drizzle-orm';
import type { ConfigDb } from '../../../platform/database/database.ts';
import type { LogoRepositories } from '../../logo-store.ts';
import { tenantLogos } from './schema-logo.ts';

export function logoRepositories(tx: ConfigDb, tenantId: string): LogoRepositories {
  return {
    tenantLogo: {
      async get() {
        const [row] = await tx.select().from(tenantLogos).where(eq(tenantLogos.tenantId, tenantId));
        if (!row) return null;
        return {
          mediaType: logoMediaTypeSchema.parse(row.mediaType),
          data: row.data,
          updatedAt: row.updatedAt,
        };
      },
      async put(logo) {
        const values = { mediaType: logo.mediaType, data: logo.data, updatedAt: logo.updatedAt };
        await tx
          .insert(tenantLogos)
          .values({ tenantId, ...values })
          .onConflictDoUpdate({ target: tenantLogos.tenantId, set: values });
      },
      async remove() {
        const rows = await tx
          .delete(tenantLogos)
          .where(eq(tenantLogos.tenantId, tenantId))
          .returning({ tenantId: tenantLogos.tenantId });
        return rows.length > 0;
      },
    },
  };
}
