// Where ingest files the messages it can never store (besides the telemetry store, telemetry/ports.ts).
import type {
  DeadLetter,
  DeadLetterReason,
  GatewayCommandResponsePart,
  GatewayStatus,
} from '@plantwatch/shared';
import type { SiteScope } from '../platform/database/tenant-store.ts';

export interface DeadLetterFilter {
  siteId?: string;
  gatewayId?: string;
  reason?: DeadLetterReason;
  from?: Date;
  to?: Date;
  scope: SiteScope;
}

export interface DeadLetterRepositories {
  deadLetters: {
    insert(deadLetter: Omit<DeadLetter, 'receivedAt'> & { receivedAt: Date }): Promise<void>;
    /** Newest first. */
    list(filter: DeadLetterFilter, limit: number): Promise<DeadLetter[]>;
    count(filter: DeadLetterFilter): Promise<Partial<Record<DeadLetterReason, number>>>;
  };
}

/** What ingest hands on from a gateway's other topics: its status (health) and command answers. */
export interface GatewayReports {
  /** The gateway's status message (online or its Last Will), received at `receivedAt`. */
  status(
    ids: { tenantId: string; gatewayId: string },
    status: GatewayStatus,
    receivedAt: number,
  ): Promise<void>;
  /** Telemetry from the gateway arrived at `at` (ingest calls it every few seconds at most). */
  sawData(ids: { tenantId: string; gatewayId: string }, at: number): Promise<void>;
  /** One part of a command's answer; false when no command of this gateway has its id. */
  commandResponse(
    ids: { tenantId: string; gatewayId: string },
    part: GatewayCommandResponsePart,
    receivedAt: number,
  ): Promise<boolean>;
}
