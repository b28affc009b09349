// Where ingest files the messages it can never store (besides the telemetry store, telemetry/ports.ts).
import type { DeadLetter, DeadLetterReason } from '@plantwatch/shared';
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
