// The ports HTTP push runs on: the device keys in the config store, and where a telemetry message goes
// (the ingest use-case itself locally; the ingest queue on AWS).
import type { IncomingTelemetry, IngestOutcome } from '../ingest/ingest.ts';

export interface DeviceKeyRecord {
  id: string;
  deviceId: string;
  name: string;
  keyHash: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface DeviceKeyRepositories {
  deviceKeys: {
    insert(
      key: Omit<DeviceKeyRecord, 'lastUsedAt' | 'revokedAt'> & { createdBy: string },
    ): Promise<DeviceKeyRecord>;
    get(id: string): Promise<DeviceKeyRecord | null>;
    listForDevice(deviceId: string): Promise<DeviceKeyRecord[]>;
    /** Sets revoked_at once; false when there is no such key. */
    revoke(id: string, at: Date): Promise<boolean>;
    touch(id: string, at: Date): Promise<void>;
  };
}

/** Hands one telemetry message to ingest. */
export interface TelemetrySubmitter {
  /** The outcome when ingest ran at once; `queued` when it went to the ingest queue. Throws when it may pass later. */
  submit(message: IncomingTelemetry): Promise<IngestOutcome | { status: 'queued' }>;
}
