// The ports the plant model (sites, gateways, devices, tags, provisioning) runs on.
import type {
  BufferPolicy,
  ConfigActor,
  Device,
  DeviceConnection,
  DeviceTemplate,
  Gateway,
  NewTag,
  PushedConfig,
  Site,
  Tag,
  TagAddress,
} from '@plantwatch/shared';
import type { SiteScope } from '../platform/database/tenant-store.ts';

/** A client certificate and its key for one gateway, issued once; only serial and fingerprint are kept. */
export interface IssuedGatewayCertificate {
  /** PEM: the certificate, its private key, and the CA that the broker's certificate chains to. */
  certificatePem: string;
  privateKeyPem: string;
  caPem: string;
  /** Hex serial and SHA-256 fingerprint (lower-case hex of the DER), as stored. */
  serial: string;
  fingerprintSha256: string;
  notAfter: Date;
}

/** Issues gateway client certificates: a local CA under DATA_DIR locally, AWS IoT Core on AWS. */
export interface GatewayCertificateIssuer {
  /** The mqtts:// URL gateways connect to. */
  endpoint(): string;
  issue(gateway: { tenantId: string; siteId: string; gatewayId: string }): Promise<IssuedGatewayCertificate>;
  /** The gateway was deleted: none of its certificates may connect again. */
  retire(gatewayId: string): Promise<void>;
  /**
   * How this broker wants telemetry published, written into the bundle (on AWS: the Basic Ingest topic
   * and the publish interval the stack is sized for); unset: the gateway's defaults.
   */
  publishSettings?(gateway: { tenantId: string; siteId: string; gatewayId: string }): {
    telemetryTopic?: string;
    publishIntervalMs?: number;
    statusIntervalSeconds?: number;
  };
}

/** Which gateway a client certificate belongs to (a cross-tenant lookup, for the MQTT broker). */
export interface GatewayCertificateRecord {
  tenantId: string;
  siteId: string;
  gatewayId: string;
  notAfter: Date;
  revokedAt: Date | null;
}

/** A tag with what telemetry calls it (gateway, device key, tag key) and where it sits. */
export interface TagTelemetryRef {
  tagId: string;
  tagKey: string;
  name: string;
  unit: string;
  deviceId: string;
  deviceKey: string;
  gatewayId: string;
  siteId: string;
}

/** Sites → gateways → devices → tags, and the gateways' certificates. */
/** A gateway's devices by key (also those without tags yet), each with its tags' ids by key. */
export type GatewayTelemetryModel = Map<string, { deviceId: string; tags: Map<string, string> }>;

/**
 * Told after a change to a gateway's devices or tags has committed (caches, configuration push). The
 * use-case waits for it, but a failure is only logged: the change and its config version are already
 * stored, and the periodic check publishes what is still pending.
 */
export interface PlantChangeListener {
  gatewayChanged(change: { tenantId: string; gatewayId: string }): void | Promise<void>;
}

/** Publishes one MQTT message at QoS 1 (the local broker, or AWS IoT Core's data plane). */
export interface GatewayMessagePublisher {
  /** Resolves once the broker has taken it; rejects with the reason otherwise. */
  publish(message: { topic: string; payload: string; retain: boolean }): Promise<void>;
}

/** A gateway's plant as one config version saw it: what a rollback puts back. */
export interface PlantSnapshot {
  bufferPolicy: BufferPolicy | null;
  devices: Omit<Device, 'tenantId' | 'gatewayId' | 'createdAt' | 'updatedAt'>[];
  tags: Omit<Tag, 'tenantId' | 'createdAt' | 'updatedAt'>[];
}

export type ConfigPublishState = 'pending' | 'published' | 'superseded';

/** A config version as listed (without the config, snapshot and message). */
export interface StoredConfigVersion {
  id: string;
  gatewayId: string;
  version: number;
  change: string;
  changedBy: ConfigActor;
  rollbackOf: number | null;
  publishState: ConfigPublishState;
  publishAttempts: number;
  lastError: string | null;
  publishedAt: Date | null;
  createdAt: Date;
  messageBytes: number;
}

/** A version due for publishing, with where it goes. */
export interface DueConfigPublish {
  id: string;
  gatewayId: string;
  siteId: string;
  version: number;
  message: string;
  publishAttempts: number;
}

export interface ConfigVersionRepositories {
  gatewayConfigVersions: {
    /** Records a version as pending; older versions of the gateway still pending become superseded. */
    insert(row: {
      id: string;
      gatewayId: string;
      version: number;
      config: PushedConfig;
      snapshot: PlantSnapshot;
      message: string;
      change: string;
      changedBy: ConfigActor;
      rollbackOf: number | null;
      at: Date;
    }): Promise<void>;
    /** Newest first. */
    list(gatewayId: string, limit: number): Promise<StoredConfigVersion[]>;
    get(
      gatewayId: string,
      version: number,
    ): Promise<(StoredConfigVersion & { config: PushedConfig; snapshot: PlantSnapshot }) | null>;
    /** The newest version of the gateway, if any. */
    latest(gatewayId: string): Promise<StoredConfigVersion | null>;
    /**
     * Claims the pending versions due at `now` (at most `limit`, optionally of one gateway): each gets
     * one more attempt and is not due again before `now + leaseMs`, so two instances do not both send it.
     */
    claimDue(claim: {
      now: Date;
      leaseMs: number;
      limit: number;
      gatewayId?: string;
    }): Promise<DueConfigPublish[]>;
    /**
     * The broker took version `id`. When a newer version was recorded (and perhaps published) while
     * this one was in flight, the retained message may now be the older one: the newest version is
     * made pending again, and `republish` says so.
     */
    markPublished(id: string, at: Date): Promise<{ republish: boolean }>;
    markUnpublished(id: string, update: { error: string; retryAt: Date }): Promise<void>;
  };
  plantSnapshots: {
    read(gatewayId: string): Promise<PlantSnapshot>;
    /** Makes the gateway's devices, tags and buffer policy what the snapshot says (same ids). */
    restore(gatewayId: string, snapshot: PlantSnapshot): Promise<void>;
  };
}

export type DeviceTemplateRecord = Omit<DeviceTemplate, 'tenantId' | 'deviceIds' | 'createdAt' | 'updatedAt'>;

export interface DeviceTemplateRepositories {
  deviceTemplates: {
    list(): Promise<(DeviceTemplateRecord & { createdAt: Date; updatedAt: Date })[]>;
    get(id: string): Promise<(DeviceTemplateRecord & { createdAt: Date; updatedAt: Date }) | null>;
    create(template: DeviceTemplateRecord): Promise<void>;
    update(id: string, patch: { name?: string; description?: string; tags?: NewTag[] }): Promise<boolean>;
    remove(id: string): Promise<boolean>;
    /** The devices that carry the template's id, within `scope`. */
    devicesUsing(id: string, scope: SiteScope): Promise<string[]>;
  };
}

export interface PlantRepositories {
  sites: {
    list(scope: SiteScope): Promise<Site[]>;
    get(id: string): Promise<Site | null>;
    create(site: Omit<Site, 'tenantId' | 'createdAt' | 'updatedAt'>): Promise<Site>;
    update(
      id: string,
      patch: Partial<Pick<Site, 'name' | 'description' | 'timeZone' | 'location'>>,
    ): Promise<Site | null>;
    remove(id: string): Promise<boolean>;
  };
  gateways: {
    list(filter: { siteId?: string; scope: SiteScope }): Promise<Gateway[]>;
    get(id: string): Promise<Gateway | null>;
    create(gateway: { id: string; siteId: string; name: string; description: string }): Promise<Gateway>;
    update(
      id: string,
      patch: { name?: string; description?: string; bufferPolicy?: BufferPolicy | null },
    ): Promise<Gateway | null>;
    /** What the gateway's telemetry may name: its devices by key, each with its tags by key. */
    telemetryModel(id: string): Promise<GatewayTelemetryModel>;
    /**
     * Bumps the config version after any change to the gateway's devices or tags, and returns the new
     * one; the row stays locked until the transaction ends, so two changes never share a version.
     */
    bumpConfigVersion(id: string): Promise<number>;
    remove(id: string): Promise<boolean>;
  };
  devices: {
    list(filter: { gatewayId?: string; scope: SiteScope }): Promise<Device[]>;
    get(id: string): Promise<(Device & { siteId: string }) | null>;
    create(device: {
      id: string;
      gatewayId: string;
      key: string;
      name: string;
      description: string;
      enabled: boolean;
      connection: DeviceConnection;
      /** Default 60 s. */
      heartbeatMs?: number;
      templateId?: string | null;
    }): Promise<Device>;
    update(
      id: string,
      patch: {
        name?: string;
        description?: string;
        enabled?: boolean;
        connection?: DeviceConnection;
        heartbeatMs?: number;
        templateId?: string | null;
      },
    ): Promise<Device | null>;
    remove(id: string): Promise<boolean>;
  };
  gatewayCertificates: {
    create(certificate: {
      id: string;
      gatewayId: string;
      serial: string;
      fingerprintSha256: string;
      notAfter: Date;
    }): Promise<void>;
    /** Revokes every certificate of the gateway still valid; returns how many. */
    revokeAll(gatewayId: string, at: Date): Promise<number>;
  };
  tags: {
    list(filter: { deviceId?: string; scope: SiteScope }): Promise<Tag[]>;
    /** The tags matching every given filter, within `scope`; ordered by gateway, device key, tag key. */
    telemetryRefs(filter: {
      siteId?: string;
      gatewayId?: string;
      deviceId?: string;
      tagIds?: readonly string[];
      scope: SiteScope;
    }): Promise<TagTelemetryRef[]>;
    get(id: string): Promise<(Tag & { siteId: string; gatewayId: string }) | null>;
    create(tag: {
      id: string;
      deviceId: string;
      key: string;
      name: string;
      description: string;
      address: TagAddress;
      scale: number;
      offset: number;
      unit: string;
      deadband: number;
    }): Promise<Tag>;
    update(
      id: string,
      patch: Partial<
        Pick<Tag, 'name' | 'description' | 'address' | 'scale' | 'offset' | 'unit' | 'deadband'>
      >,
    ): Promise<Tag | null>;
    remove(id: string): Promise<boolean>;
  };
}

export interface PlantLookups {
  /** Which gateway a client certificate belongs to (a cross-tenant lookup, for the MQTT broker). */
  findGatewayByCertificate(fingerprintSha256: string): Promise<GatewayCertificateRecord | null>;
}

/** Across tenants, ids and counts only (a SECURITY DEFINER function): what the config re-drive visits. */
export interface ConfigPublishLookups {
  /** The tenants with config versions due for publishing. */
  findTenantsWithDueConfigPublishes(): Promise<string[]>;
  /** Versions still pending, and since when the oldest of them waits (health and metrics). */
  configPublishSummary(): Promise<{ pending: number; oldestPendingAt: Date | null }>;
}
