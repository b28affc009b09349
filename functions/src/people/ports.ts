// Contacts, on-call rotations and escalation policies (issue #5): the config store's repositories for this area, merged into TenantRepositories so a
// use-case reaches them through `configStore.inTenant(tenantId, (repos) => …)` like the rest.
import type { Contact, EscalationPolicy, OnCallRotation } from '@plantwatch/shared';

/**
 * A contact as stored: everything but the tenant and the timestamps the store keeps. Without a
 * language the store's default (English) is kept.
 */
export type ContactRecord = Omit<Contact, 'tenantId' | 'createdAt' | 'updatedAt' | 'language'> &
  Partial<Pick<Contact, 'language'>>;
export type OnCallRotationRecord = Omit<OnCallRotation, 'tenantId' | 'createdAt' | 'updatedAt'>;
export type EscalationPolicyRecord = Omit<EscalationPolicy, 'tenantId' | 'createdAt' | 'updatedAt'>;

/** Something that names a contact, rotation or policy, so a delete can say where it is still used. */
export interface PeopleReference {
  id: string;
  name: string;
}

/**
 * Members, overrides and policy targets are JSON lists, not foreign keys, so the referential rules
 * are kept by the use-cases with the help of `lockExisting` and `usage`, in one transaction:
 * `lockExisting` takes a share lock on the rows it finds, and `remove` takes the row's exclusive lock
 * before `usage` looks, so a delete and a create naming the same row cannot both succeed.
 */
export interface PeopleRepositories {
  contacts: {
    /** Ordered by name, then id. */
    list(): Promise<Contact[]>;
    get(id: string): Promise<Contact | null>;
    /** The contacts among `ids` that exist (any order), locked against deletion until the transaction ends. */
    lockExisting(ids: readonly string[]): Promise<Contact[]>;
    create(contact: ContactRecord): Promise<Contact>;
    update(
      id: string,
      patch: Partial<Pick<Contact, 'name' | 'channels' | 'language'>>,
    ): Promise<Contact | null>;
    remove(id: string): Promise<boolean>;
    /** The rotations (as member or override) and policies (as target) that name the contact. */
    usage(id: string): Promise<{ rotations: PeopleReference[]; policies: PeopleReference[] }>;
  };
  onCallRotations: {
    /** Ordered by name, then id. */
    list(): Promise<OnCallRotation[]>;
    get(id: string): Promise<OnCallRotation | null>;
    /** The rotations among `ids` that exist (any order), locked against deletion until the transaction ends. */
    lockExisting(ids: readonly string[]): Promise<OnCallRotation[]>;
    create(rotation: OnCallRotationRecord): Promise<OnCallRotation>;
    /** Replaces everything but the id (the use-case merges a patch and checks the whole). */
    replace(rotation: OnCallRotationRecord): Promise<OnCallRotation | null>;
    remove(id: string): Promise<boolean>;
    /** The policies that name the rotation as a target. */
    usage(id: string): Promise<{ policies: PeopleReference[] }>;
  };
  escalationPolicies: {
    /** Ordered by name, then id. */
    list(): Promise<EscalationPolicy[]>;
    get(id: string): Promise<EscalationPolicy | null>;
    /** The policies among `ids` that exist (any order), locked against deletion until the transaction ends. */
    lockExisting(ids: readonly string[]): Promise<EscalationPolicy[]>;
    create(policy: EscalationPolicyRecord): Promise<EscalationPolicy>;
    update(
      id: string,
      patch: Partial<Pick<EscalationPolicy, 'name' | 'repeat' | 'repeatBackoff' | 'levels'>>,
    ): Promise<EscalationPolicy | null>;
    remove(id: string): Promise<boolean>;
    /** The alarm rules that name the policy (a rule's name is its alarm name). */
    usage(id: string): Promise<{ alarmRules: PeopleReference[] }>;
  };
}
