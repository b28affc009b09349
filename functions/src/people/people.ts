// Contacts, on-call rotations and escalation policies (issue #5). They belong to the whole tenant, not
// to a site. References inside their lists (rotation members and overrides, policy targets) and from
// alarm rules to policies are checked here, in the same transaction as the change: existing rows are
// share-locked before a reference to them is written, and a delete takes the row's lock before it
// looks for references, so the two can never both succeed (see PeopleRepositories).
import {
  ConflictError,
  type Contact,
  type CreateContact,
  type CreateEscalationPolicy,
  type CreateOnCallRotation,
  createOnCallRotationSchema,
  type EscalationLevel,
  type EscalationPolicy,
  InvalidInputError,
  NotFoundError,
  type OnCallRotation,
  type UpdateContact,
  type UpdateEscalationPolicy,
  type UpdateOnCallRotation,
} from '@plantwatch/shared';
import type { AccountRepositories } from '../accounts/ports.ts';
import type { AreaRepositories } from '../assets/area-ports.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import type { Principal } from '../platform/principal.ts';
import type { OnCallRotationRecord, PeopleReference, PeopleRepositories } from './ports.ts';

type PeopleStoreRepositories = PeopleRepositories &
  Pick<AccountRepositories, 'tenant'> &
  Partial<Pick<AreaRepositories, 'areas'>>;

/** The ports contacts, rotations and policies run on. */
export interface PeopleDeps {
  store: TenantStore<PeopleStoreRepositories>;
  ids: IdGenerator;
}

type Scoped<T> = (repos: PeopleStoreRepositories) => Promise<T>;
const inTenant = <T>(deps: PeopleDeps, principal: Principal, work: Scoped<T>) =>
  deps.store.inTenant(principal.tenantId, work);

function badReference(field: string, message: string): InvalidInputError {
  return new InvalidInputError(`${field}: ${message}`, { details: { field } });
}

const named = (what: string, refs: readonly PeopleReference[]) =>
  refs.map((ref) => `${what} "${ref.name}" (${ref.id})`);

function stillUsed(what: string, uses: string[], remedy: string): ConflictError {
  return new ConflictError(`this ${what} is still used by ${uses.join(', ')}; ${remedy}`);
}

async function contactOr404(repos: PeopleStoreRepositories, contactId: string): Promise<Contact> {
  const contact = await repos.contacts.get(contactId);
  if (!contact) throw new NotFoundError('contact not found');
  return contact;
}
async function rotationOr404(repos: PeopleStoreRepositories, rotationId: string): Promise<OnCallRotation> {
  const rotation = await repos.onCallRotations.get(rotationId);
  if (!rotation) throw new NotFoundError('on-call rotation not found');
  return rotation;
}
async function policyOr404(repos: PeopleStoreRepositories, policyId: string): Promise<EscalationPolicy> {
  const policy = await repos.escalationPolicies.get(policyId);
  if (!policy) throw new NotFoundError('escalation policy not found');
  return policy;
}

/** Every contact a rotation names must be one of the tenant's (another tenant's id is simply unknown). */
async function checkRotationContacts(
  repos: PeopleStoreRepositories,
  rotation: Pick<OnCallRotation, 'members' | 'overrides'>,
): Promise<void> {
  const ids = [...rotation.members, ...rotation.overrides.map((o) => o.contactId)];
  const found = new Set((await repos.contacts.lockExisting(ids)).map((c) => c.id));
  const badMember = rotation.members.findIndex((id) => !found.has(id));
  if (badMember >= 0) throw badReference(`members.${badMember}`, 'no contact with this id');
  const badOverride = rotation.overrides.findIndex((o) => !found.has(o.contactId));
  if (badOverride >= 0) throw badReference(`overrides.${badOverride}.contactId`, 'no contact with this id');
}

/** Every target of every level must be one of the tenant's contacts or rotations. */
async function checkPolicyTargets(repos: PeopleStoreRepositories, levels: readonly EscalationLevel[]) {
  const targets = levels.flatMap((level) => level.targets);
  const contactIds = targets.flatMap((t) => (t.type === 'contact' ? [t.contactId] : []));
  const rotationIds = targets.flatMap((t) => (t.type === 'rotation' ? [t.rotationId] : []));
  const contacts = new Set((await repos.contacts.lockExisting(contactIds)).map((c) => c.id));
  const rotations = new Set((await repos.onCallRotations.lockExisting(rotationIds)).map((r) => r.id));
  for (const [levelIndex, level] of levels.entries()) {
    for (const [targetIndex, target] of level.targets.entries()) {
      const field = `levels.${levelIndex}.targets.${targetIndex}`;
      if (target.type === 'contact' && !contacts.has(target.contactId)) {
        throw badReference(`${field}.contactId`, 'no contact with this id');
      }
      if (target.type === 'rotation' && !rotations.has(target.rotationId)) {
        throw badReference(`${field}.rotationId`, 'no on-call rotation with this id');
      }
    }
  }
}

/**
 * For alarm rules: the policy a rule names must be one of the tenant's. Call inside the transaction
 * that writes the rule; the policy stays locked against deletion until it ends.
 */
export async function checkEscalationPolicyReference(
  repos: Pick<PeopleRepositories, 'escalationPolicies'>,
  policyId: string | null | undefined,
): Promise<void> {
  if (!policyId) return;
  const [found] = await repos.escalationPolicies.lockExisting([policyId]);
  if (!found) throw badReference('escalationPolicyId', 'no escalation policy with this id');
}

// --- contacts ---

/**
 * A Telegram chat id comes from the person sending the bot a link code, never from the API: a
 * channel may keep the chat already linked to the contact, or leave the address out (not linked yet).
 */
function checkTelegramChats(channels: Contact['channels'], linked: readonly Contact['channels'][number][]) {
  const known = new Set(linked.filter((c) => c.type === 'telegram' && c.address).map((c) => c.address));
  channels.forEach((channel, index) => {
    if (channel.type === 'telegram' && channel.address && !known.has(channel.address)) {
      throw badReference(
        `channels.${index}.address`,
        'a Telegram chat is linked by the person sending the bot a code (POST /v1/contacts/{contactId}/telegram-link); leave the address out',
      );
    }
  });
}

export const listContacts = (deps: PeopleDeps, principal: Principal) =>
  inTenant(deps, principal, (repos) => repos.contacts.list());

export const getContact = (deps: PeopleDeps, principal: Principal, contactId: string) =>
  inTenant(deps, principal, (repos) => contactOr404(repos, contactId));

export const createContact = (deps: PeopleDeps, principal: Principal, input: CreateContact) =>
  inTenant(deps, principal, (repos) => {
    checkTelegramChats(input.channels, []);
    return repos.contacts.create({ id: deps.ids.newId(), ...input });
  });

export const updateContact = (
  deps: PeopleDeps,
  principal: Principal,
  contactId: string,
  patch: UpdateContact,
) =>
  inTenant(deps, principal, async (repos) => {
    if (patch.channels) checkTelegramChats(patch.channels, (await contactOr404(repos, contactId)).channels);
    const updated = await repos.contacts.update(contactId, patch);
    if (!updated) throw new NotFoundError('contact not found');
    return updated;
  });

export const deleteContact = (deps: PeopleDeps, principal: Principal, contactId: string) =>
  inTenant(deps, principal, async (repos) => {
    if (!(await repos.contacts.remove(contactId))) throw new NotFoundError('contact not found');
    const usage = await repos.contacts.usage(contactId);
    const uses = [
      ...named('on-call rotation', usage.rotations),
      ...named('escalation policy', usage.policies),
    ];
    // throwing rolls the delete back
    if (uses.length > 0) throw stillUsed('contact', uses, 'take the contact out of them first');
  });

// --- on-call rotations ---

function toRotationRecord(
  id: string,
  input: CreateOnCallRotation,
  tenantTimeZone: string,
): OnCallRotationRecord {
  return {
    id,
    name: input.name,
    timeZone: input.timeZone ?? tenantTimeZone,
    handoffTime: input.handoffTime,
    period: input.period,
    handoffDay: input.period === 'weekly' ? (input.handoffDay ?? null) : null,
    members: input.members,
    overrides: input.overrides,
  };
}

export const listOnCallRotations = (deps: PeopleDeps, principal: Principal) =>
  inTenant(deps, principal, (repos) => repos.onCallRotations.list());

export const getOnCallRotation = (deps: PeopleDeps, principal: Principal, rotationId: string) =>
  inTenant(deps, principal, (repos) => rotationOr404(repos, rotationId));

export const createOnCallRotation = (deps: PeopleDeps, principal: Principal, input: CreateOnCallRotation) =>
  inTenant(deps, principal, async (repos) => {
    await checkRotationContacts(repos, input);
    const tenant = await repos.tenant.get();
    return repos.onCallRotations.create(toRotationRecord(deps.ids.newId(), input, tenant.timeZone));
  });

/** Applies the patch, then checks the whole rotation again (a weekly rotation still needs its day). */
export const updateOnCallRotation = (
  deps: PeopleDeps,
  principal: Principal,
  rotationId: string,
  patch: UpdateOnCallRotation,
) =>
  inTenant(deps, principal, async (repos) => {
    const current = await rotationOr404(repos, rotationId);
    // switching to daily drops the day unless the patch says otherwise
    const handoffDay =
      patch.handoffDay !== undefined
        ? patch.handoffDay
        : patch.period === 'daily'
          ? null
          : current.handoffDay;
    const merged = {
      name: patch.name ?? current.name,
      timeZone: patch.timeZone ?? current.timeZone,
      handoffTime: patch.handoffTime ?? current.handoffTime,
      period: patch.period ?? current.period,
      ...(handoffDay === null ? {} : { handoffDay }),
      members: patch.members ?? current.members,
      overrides: patch.overrides ?? current.overrides,
    };
    const checked = createOnCallRotationSchema.safeParse(merged);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const field = issue?.path.join('.') || 'body';
      throw new InvalidInputError(`${field}: ${issue?.message ?? 'invalid'}`, { details: { field } });
    }
    if (patch.members || patch.overrides) await checkRotationContacts(repos, checked.data);
    const replaced = await repos.onCallRotations.replace(
      toRotationRecord(rotationId, checked.data, current.timeZone),
    );
    if (!replaced) throw new NotFoundError('on-call rotation not found');
    return replaced;
  });

export const deleteOnCallRotation = (deps: PeopleDeps, principal: Principal, rotationId: string) =>
  inTenant(deps, principal, async (repos) => {
    if (!(await repos.onCallRotations.remove(rotationId)))
      throw new NotFoundError('on-call rotation not found');
    const usage = await repos.onCallRotations.usage(rotationId);
    const uses = named('escalation policy', usage.policies);
    if (uses.length > 0) throw stillUsed('on-call rotation', uses, 'take the rotation out of them first');
  });

// --- escalation policies ---

export const listEscalationPolicies = (deps: PeopleDeps, principal: Principal) =>
  inTenant(deps, principal, (repos) => repos.escalationPolicies.list());

export const getEscalationPolicy = (deps: PeopleDeps, principal: Principal, policyId: string) =>
  inTenant(deps, principal, (repos) => policyOr404(repos, policyId));

export const createEscalationPolicy = (
  deps: PeopleDeps,
  principal: Principal,
  input: CreateEscalationPolicy,
) =>
  inTenant(deps, principal, async (repos) => {
    await checkPolicyTargets(repos, input.levels);
    return repos.escalationPolicies.create({ id: deps.ids.newId(), ...input });
  });

export const updateEscalationPolicy = (
  deps: PeopleDeps,
  principal: Principal,
  policyId: string,
  patch: UpdateEscalationPolicy,
) =>
  inTenant(deps, principal, async (repos) => {
    await policyOr404(repos, policyId);
    if (patch.levels) await checkPolicyTargets(repos, patch.levels);
    const updated = await repos.escalationPolicies.update(policyId, patch);
    if (!updated) throw new NotFoundError('escalation policy not found');
    return updated;
  });

export const deleteEscalationPolicy = (deps: PeopleDeps, principal: Principal, policyId: string) =>
  inTenant(deps, principal, async (repos) => {
    // an area naming the policy is a foreign key the delete would break: asked first (ADR 0042)
    const areas = (await repos.areas?.policyUsage(policyId)) ?? [];
    if (areas.length === 0 && !(await repos.escalationPolicies.remove(policyId))) {
      throw new NotFoundError('escalation policy not found');
    }
    const usage = await repos.escalationPolicies.usage(policyId);
    const uses = [...named('alarm rule', usage.alarmRules), ...named('area', areas)];
    if (uses.length > 0) {
      throw stillUsed(
        'escalation policy',
        uses,
        'point those rules and areas at another policy or none first',
      );
    }
  });
