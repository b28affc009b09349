// The ports the plant model (sites, gateways, devices, tags, provisioning) runs on.
import type { Device, DeviceConnection, Gateway, Site, Tag, TagAddress } from '@plantwatch/shared';
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

/** Told after a change to a gateway's devices or tags has committed (caches, configuration push). */
export interface PlantChangeListener {
  gatewayChanged(change: { tenantId: string; gatewayId: string }): void;
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
    update(id: string, patch: { name?: string; description?: string }): Promise<Gateway | null>;
    /** What the gateway's telemetry may name: its devices by key, each with its tags by key. */
    telemetryModel(id: string): Promise<GatewayTelemetryModel>;
    /** Bumps the config version after any change to the gateway's devices or tags. */
    bumpConfigVersion(id: string): Promise<void>;
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
    }): Promise<Device>;
    update(
      id: string,
      patch: { name?: string; description?: string; enabled?: boolean; connection?: DeviceConnection },
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
