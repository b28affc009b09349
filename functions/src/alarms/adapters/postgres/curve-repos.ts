// Operating-curve templates: the PostgreSQL implementation of AlarmCurveRepositories.
import { type AlarmCurve, alarmCurveSchema } from '@plantwatch/shared';
import { and, asc, eq } from 'drizzle-orm';
import type { ConfigDb } from '../../../platform/database/database.ts';
import { conflictsAsErrors } from '../../../platform/database/pg-errors.ts';
import { getTenantRow, iso, type Row, required } from '../../../platform/database/tenant-rows.ts';
import type { AlarmCurveRecord, AlarmCurveRepositories } from '../../curve-ports.ts';
import { alarmCurves } from './schema-curves.ts';

const toCurve = (r: Row<typeof alarmCurves>): AlarmCurve =>
  alarmCurveSchema.parse({
    id: r.id,
    tenantId: r.tenantId,
    name: r.name,
    description: r.description,
    xUnit: r.xUnit,
    yUnit: r.yUnit,
    points: r.points,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  });

const conflicts = { alarm_curves_tenant_name_key: 'the tenant already has a curve with this name' };

export function alarmCurveRepositories(tx: ConfigDb, tenantId: string): AlarmCurveRepositories {
  const mine = (id: string) => and(eq(alarmCurves.tenantId, tenantId), eq(alarmCurves.id, id));
  return {
    alarmCurves: {
      async list() {
        const rows = await tx
          .select()
          .from(alarmCurves)
          .where(eq(alarmCurves.tenantId, tenantId))
          .orderBy(asc(alarmCurves.name), asc(alarmCurves.id));
        return rows.map(toCurve);
      },
      get: (id) => getTenantRow(tx, tenantId, alarmCurves, id, toCurve),
      create: (curve: AlarmCurveRecord) =>
        conflictsAsErrors(conflicts, async () => {
          const [row] = await tx
            .insert(alarmCurves)
            .values({ ...curve, tenantId })
            .returning();
          return toCurve(required(row));
        }),
      replace: (curve: AlarmCurveRecord) =>
        conflictsAsErrors(conflicts, async () => {
          const [row] = await tx
            .update(alarmCurves)
            .set({
              name: curve.name,
              description: curve.description,
              xUnit: curve.xUnit,
              yUnit: curve.yUnit,
              points: curve.points,
              updatedAt: new Date(),
            })
            .where(mine(curve.id))
            .returning();
          return row ? toCurve(row) : null;
        }),
      async remove(id) {
        const rows = await tx.delete(alarmCurves).where(mine(id)).returning({ id: alarmCurves.id });
        return rows.length > 0;
      },
    },
  };
}
