// GatewayCommandRepositories on PostgreSQL: the commands audit log and the parts of their answers.
import { and, asc, desc, eq } from 'drizzle-orm';
import type { ConfigDb } from '../../../platform/database/database.ts';
import type { Row } from '../../../platform/database/tenant-rows.ts';
import type { CommandStatus, GatewayCommandRepositories, StoredGatewayCommand } from '../../ports.ts';
import { gatewayCommandParts, gatewayCommands } from './schema.ts';

const toCommand = (r: Row<typeof gatewayCommands>): StoredGatewayCommand => ({
  id: r.id,
  gatewayId: r.gatewayId,
  deviceId: r.deviceId,
  kind: r.kind,
  requestedBy: r.requestedBy,
  requestedAt: r.requestedAt,
  deadline: r.deadline,
  status: r.status as CommandStatus,
  answeredAt: r.answeredAt,
  error: r.error,
});

export function gatewayCommandRepositories(tx: ConfigDb, tenantId: string): GatewayCommandRepositories {
  const ofTenant = eq(gatewayCommands.tenantId, tenantId);
  return {
    gatewayCommands: {
      async insert(command) {
        await tx.insert(gatewayCommands).values({ ...command, tenantId, status: 'sent' });
      },
      async get(id) {
        const [row] = await tx
          .select()
          .from(gatewayCommands)
          .where(and(ofTenant, eq(gatewayCommands.id, id)));
        return row ? toCommand(row) : null;
      },
      async finish(id, outcome) {
        await tx
          .update(gatewayCommands)
          .set({
            status: outcome.status,
            answeredAt: outcome.answeredAt,
            error: outcome.error?.slice(0, 2000) ?? null,
          })
          .where(and(ofTenant, eq(gatewayCommands.id, id)));
      },
      async list(gatewayId, limit) {
        const rows = await tx
          .select()
          .from(gatewayCommands)
          .where(and(ofTenant, eq(gatewayCommands.gatewayId, gatewayId)))
          .orderBy(desc(gatewayCommands.requestedAt))
          .limit(limit);
        return rows.map(toCommand);
      },
    },
    gatewayCommandParts: {
      async insert(part) {
        await tx
          .insert(gatewayCommandParts)
          .values({ ...part, tenantId })
          .onConflictDoNothing({ target: [gatewayCommandParts.commandId, gatewayCommandParts.part] });
      },
      async list(commandId) {
        return tx
          .select({
            part: gatewayCommandParts.part,
            parts: gatewayCommandParts.parts,
            chunk: gatewayCommandParts.chunk,
          })
          .from(gatewayCommandParts)
          .where(
            and(eq(gatewayCommandParts.tenantId, tenantId), eq(gatewayCommandParts.commandId, commandId)),
          )
          .orderBy(asc(gatewayCommandParts.part));
      },
    },
  };
}
