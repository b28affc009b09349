import type {
  AlarmEvent,
  AlarmRule,
  ApiKey,
  DeadLetter,
  DeadLetterReason,
  Device,
  DeviceConnection,
  Gateway,
  Role,
  Site,
  Tag,
  TagAddress,
  Tenant,
  User,
} from '@plantwatch/shared';
import type { EscalationRepositories } from '../../escalation/ports.ts';
import type { LayoutRepositories } from '../../layout/ports.ts';
import type { NotifyRepositories } from '../../notify/repositories.ts';
import type { PeopleRepositories } from '../../people/ports.ts';
import type { LogoRepositories } from '../../reports/logo-store.ts';
import type { ReportRepositories } from '../../reports/ports.ts';

// The config store: tenants, users, credentials and the plant model (sites → gateways → devices → tags).
// Everything a tenant owns is reached through `inTenant`, which runs one transaction in which the
// database itself (row-level security) shows only that tenant's rows. The few lookups that must
// cross tenants to find out *which* tenant a credential belongs to are the separate methods below.

export interface NewTenant {
  tenant: { id: string; name: string; timeZone: string };
  owner: { id: string; email: string; name: string; passwordHash: string };
}

export interface UserCredentials {
  userId: string;
  tenantId: string;
  passwordHash: string | null;
  status: User['status'];
}

export interface SessionRecord {
  sessionId: string;
  tenantId: string;
  userId: string;
  expiresAt: Date;
  /** The user's current role, sites and status: a change takes effect on the next request. */
  role: Role;
  siteIds: string[] | null;
  userStatus: User['status'];
}

export interface ApiKeyRecord {
  apiKeyId: string;
  tenantId: string;
  role: Role;
  revokedAt: Date | null;
}

export interface InviteRecord {
  userId: string;
  tenantId: string;
  expiresAt: Date;
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

export interface DeadLetterFilter {
  siteId?: string;
  gatewayId?: string;
  reason?: DeadLetterReason;
  from?: Date;
  to?: Date;
  scope: SiteScope;
}

/** A rule as stored: everything but the tenant and the timestamps the store keeps. */
export type AlarmRuleRecord = Omit<AlarmRule, 'tenantId' | 'createdAt' | 'updatedAt'>;

/**
 * The alarm engine's state of one rule. The store keeps it as opaque JSON; the engine's own schema
 * (functions/src/alarms/state.ts) checks it when it is read back.
 */
export interface AlarmStateRecord {
  ruleId: string;
  state: unknown;
  updatedAt: Date;
}

export interface ConfigStore {
  /** Creates a tenant and its owner atomically. ConflictError when the e-mail is registered. */
  createTenant(input: NewTenant): Promise<{ tenant: Tenant; owner: User }>;
  findCredentialsByEmail(email: string): Promise<UserCredentials | null>;
  findSessionByTokenHash(tokenHash: string): Promise<SessionRecord | null>;
  findApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | null>;
  findInviteByTokenHash(tokenHash: string): Promise<InviteRecord | null>;
  findGatewayByCertificate(fingerprintSha256: string): Promise<GatewayCertificateRecord | null>;
  /**
   * The tenants whose alarms time alone can change (communication-loss rules, on/off delays, a
   * shelving that expires): the periodic alarm check visits only these. Crosses tenants through one
   * SECURITY DEFINER function that returns tenant ids and nothing else.
   */
  findTenantsWithAlarmTimers(): Promise<string[]>;
  /** Runs `work` in one transaction that sees and changes only `tenantId`'s rows. */
  inTenant<T>(tenantId: string, work: (repos: TenantRepositories) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** `siteIds` null means every site; a list restricts site-scoped reads to those sites. */
export type SiteScope = readonly string[] | null;

/** The core repositories below, plus each area's own (people, notify, escalation, reports: see their port files). */
export interface TenantRepositories
  extends PeopleRepositories,
    NotifyRepositories,
    EscalationRepositories,
    ReportRepositories,
    LayoutRepositories,
    LogoRepositories {
  tenant: {
    get(): Promise<Tenant>;
    update(patch: { name?: string; timeZone?: string }): Promise<Tenant>;
  };
  users: {
    list(): Promise<User[]>;
    get(id: string): Promise<User | null>;
    insertInvited(user: {
      id: string;
      email: string;
      name: string;
      role: Role;
      siteIds: string[] | null;
      inviteTokenHash: string;
      inviteExpiresAt: Date;
    }): Promise<User>;
    activate(id: string, passwordHash: string, name?: string): Promise<User | null>;
    update(
      id: string,
      patch: { role?: Role; siteIds?: string[] | null; name?: string },
    ): Promise<User | null>;
    remove(id: string): Promise<boolean>;
    countOwners(): Promise<number>;
  };
  sessions: {
    create(session: { id: string; userId: string; tokenHash: string; expiresAt: Date }): Promise<void>;
    remove(id: string): Promise<boolean>;
    removeForUser(userId: string): Promise<number>;
  };
  apiKeys: {
    list(): Promise<ApiKey[]>;
    create(key: {
      id: string;
      name: string;
      role: Role;
      prefix: string;
      keyHash: string;
      createdBy: string | null;
    }): Promise<ApiKey>;
    revoke(id: string, at: Date): Promise<ApiKey | null>;
    touch(id: string, at: Date): Promise<void>;
  };
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
    /** Device key → its tag keys, for every device of the gateway: what its telemetry may name. */
    tagKeys(id: string): Promise<Map<string, Set<string>>>;
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
  deadLetters: {
    insert(deadLetter: Omit<DeadLetter, 'receivedAt'> & { receivedAt: Date }): Promise<void>;
    /** Newest first. */
    list(filter: DeadLetterFilter, limit: number): Promise<DeadLetter[]>;
    count(filter: DeadLetterFilter): Promise<Partial<Record<DeadLetterReason, number>>>;
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
  alarmRules: {
    /** Ordered by creation; `tagIds` keeps only rules watching those tags. */
    list(filter: { siteId?: string; tagIds?: readonly string[]; scope: SiteScope }): Promise<AlarmRule[]>;
    get(id: string): Promise<AlarmRule | null>;
    create(rule: AlarmRuleRecord): Promise<AlarmRule>;
    /** Replaces the rule's settings whole; what it watches (site, tag, kind) never changes. */
    replace(rule: AlarmRuleRecord): Promise<AlarmRule | null>;
    remove(id: string): Promise<boolean>;
  };
  alarmStates: {
    /** The states of the given rules that have one (a rule never evaluated has none). */
    list(ruleIds: readonly string[]): Promise<AlarmStateRecord[]>;
    /**
     * Locks the rules (their rows, in id order) until the transaction ends: whoever reads, evaluates
     * and writes a rule's state holds this first, so two instances never both act on the same state.
     */
    lock(ruleIds: readonly string[]): Promise<void>;
    put(ruleId: string, state: unknown, at: Date): Promise<void>;
  };
  alarmEvents: {
    insert(events: readonly (AlarmEvent & { alarmKey: string })[]): Promise<void>;
    /** Newest first. */
    list(filter: { ruleId: string }, limit: number): Promise<AlarmEvent[]>;
    /** The alarms (ids) with a journal entry at or after `from` and before `to`. */
    alarmIdsBetween(range: { from: Date; to: Date }): Promise<string[]>;
  };
}
