// The ports gateway health runs on: each gateway's latest reported health.
import type { BufferHealth, DeviceHealth } from '@plantwatch/shared';

export interface StoredGatewayHealth {
  gatewayId: string;
  online: boolean | null;
  since: Date | null;
  lastStatusAt: Date | null;
  lastDataAt: Date | null;
  gatewayVersion: string | null;
  appliedVersion: number | null;
  rejected: { version: number | null; reason: string; ts: number } | null;
  buffer: BufferHealth | null;
  devices: DeviceHealth[] | null;
  /** The gateway's own clock at its last status. */
  statusTs: Date | null;
}

export type GatewayStatusRecord =
  | { online: false; receivedAt: Date }
  | {
      online: true;
      receivedAt: Date;
      statusTs: Date;
      gatewayVersion: string | null;
      appliedVersion: number | null;
      rejected: StoredGatewayHealth['rejected'];
      buffer: BufferHealth | null;
      devices: DeviceHealth[] | null;
    };

export interface GatewayHealthRepositories {
  gatewayHealth: {
    get(gatewayId: string): Promise<StoredGatewayHealth | null>;
    list(gatewayIds: readonly string[]): Promise<StoredGatewayHealth[]>;
    /**
     * Applies a status (an offline Last Will keeps what the last online status said) unless one
     * received later was applied already: statuses may be redelivered out of order.
     */
    recordStatus(gatewayId: string, status: GatewayStatusRecord): Promise<void>;
    /** Telemetry arrived at `at` (only ever moves forward). */
    sawData(gatewayId: string, at: Date): Promise<void>;
  };
}
