// Users and roles within a tenant: invite, change role or sites, remove.
import {
  type ApiKey,
  ConflictError,
  type CreateApiKey,
  ForbiddenError,
  InvalidInputError,
  type InviteUser,
  NotFoundError,
  type Role,
  roleAtLeast,
  type UpdateUser,
  type User,
} from '@plantwatch/shared';
import type { PlantRepositories } from '../plant/ports.ts';
import type { Clock } from '../platform/clock.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import { canSeeSite, type Principal, requireRole } from '../platform/principal.ts';
import type { QuotaRepositories } from '../usage/ports.ts';
import type { AccountRepositories } from './ports.ts';
import { API_KEY_PREFIX, hashSecret, INVITE_PREFIX, newSecret } from './tokens.ts';
import { applyUserAreas, type UserAreaRepositories, withAreas } from './user-areas.ts';

type UserRepositories = AccountRepositories &
  Pick<PlantRepositories, 'sites'> &
  QuotaRepositories &
  UserAreaRepositories;

/** The ports user and API-key management runs on. */
export interface UserDeps {
  store: TenantStore<UserRepositories>;
  clock: Clock;
  ids: IdGenerator;
  inviteTtlMs: number;
}

function mayGrant(principal: Principal, role: Role): void {
  if (!roleAtLeast(principal.role, role)) {
    throw new ForbiddenError(`you cannot grant the ${role} role: it is above your own (${principal.role})`);
  }
  if (role === 'owner' && principal.role !== 'owner')
    throw new ForbiddenError('only an owner can make another owner');
}

function mayManage(principal: Principal, target: User): void {
  if (target.role === 'owner' && principal.role !== 'owner') {
    throw new ForbiddenError('only an owner can change or remove an owner');
  }
}

/** Sites given to a user must exist and be within the granting admin's own sites. */
async function checkSites(
  repos: UserRepositories,
  principal: Principal,
  siteIds: readonly string[] | null | undefined,
): Promise<void> {
  if (siteIds === null && principal.siteIds !== null) {
    throw new ForbiddenError('your account is limited to some sites: you cannot give access to every site');
  }
  for (const siteId of siteIds ?? []) {
    if (!canSeeSite(principal, siteId) || !(await repos.sites.get(siteId))) {
      throw new NotFoundError(`site ${siteId} not found`);
    }
  }
}

async function userOr404(repos: UserRepositories, userId: string): Promise<User> {
  const user = await repos.users.get(userId);
  if (!user) throw new NotFoundError('user not found');
  return user;
}

export function listUsers(deps: UserDeps, principal: Principal): Promise<User[]> {
  return deps.store.inTenant(principal.tenantId, async (repos) => withAreas(repos, await repos.users.list()));
}

export function getUser(deps: UserDeps, principal: Principal, userId: string): Promise<User> {
  return deps.store.inTenant(principal.tenantId, async (repos) => {
    const [user] = await withAreas(repos, [await userOr404(repos, userId)]);
    return user as User;
  });
}

export async function inviteUser(
  deps: UserDeps,
  principal: Principal,
  input: InviteUser,
): Promise<{ user: User; inviteToken: string; expiresAt: string }> {
  mayGrant(principal, input.role);
  const inviteToken = newSecret(INVITE_PREFIX);
  const expiresAt = new Date(deps.clock.now().getTime() + deps.inviteTtlMs);
  const user = await deps.store.inTenant(principal.tenantId, async (repos) => {
    await checkSites(repos, principal, input.siteIds);
    await repos.planQuota.ensureRoom('users');
    // An address registered in another tenant is invited like any other: the answer says nothing
    // about other tenants (accepting the invitation is what tells the invitee, who owns the address).
    const invited = await repos.users.insertInvited({
      id: deps.ids.newId(),
      email: input.email,
      name: input.name,
      role: input.role,
      siteIds: input.siteIds,
      inviteTokenHash: hashSecret(inviteToken),
      inviteExpiresAt: expiresAt,
    });
    // areas and the paging contact are checked as a change would be; a refusal undoes the invitation
    await applyUserAreas(repos, principal, invited, {
      ...(input.assetIds ? { assetIds: input.assetIds } : {}),
      ...(input.contactId !== undefined ? { contactId: input.contactId } : {}),
    });
    const [answer] = await withAreas(repos, [invited]);
    return answer as User;
  });
  return { user, inviteToken, expiresAt: expiresAt.toISOString() };
}

export function updateUser(
  deps: UserDeps,
  principal: Principal,
  userId: string,
  patch: UpdateUser,
): Promise<User> {
  return deps.store.inTenant(principal.tenantId, async (repos) => {
    const target = await userOr404(repos, userId);
    mayManage(principal, target);
    if (patch.role) mayGrant(principal, patch.role);
    await checkSites(repos, principal, patch.siteIds);
    if (
      target.role === 'owner' &&
      patch.role &&
      patch.role !== 'owner' &&
      (await repos.users.countOwners()) <= 1
    ) {
      throw new ConflictError('a tenant needs at least one owner: make someone else owner first');
    }
    await applyUserAreas(repos, principal, target, patch);
    const { assetIds: _assetIds, contactId: _contactId, ...own } = patch;
    const updated = Object.keys(own).length > 0 ? await repos.users.update(userId, own) : target;
    if (!updated) throw new NotFoundError('user not found');
    const [answer] = await withAreas(repos, [updated]);
    return answer as User;
  });
}

export function removeUser(deps: UserDeps, principal: Principal, userId: string): Promise<void> {
  return deps.store.inTenant(principal.tenantId, async (repos) => {
    const target = await userOr404(repos, userId);
    mayManage(principal, target);
    if (target.role === 'owner' && target.status === 'active' && (await repos.users.countOwners()) <= 1) {
      throw new ConflictError('a tenant needs at least one owner: make someone else owner first');
    }
    await repos.users.remove(userId);
  });
}

export function listApiKeys(deps: UserDeps, principal: Principal): Promise<ApiKey[]> {
  return deps.store.inTenant(principal.tenantId, (repos) => repos.apiKeys.list());
}

export async function createApiKey(
  deps: UserDeps,
  principal: Principal,
  input: CreateApiKey,
): Promise<{ apiKey: ApiKey; secret: string }> {
  requireRole(principal, 'admin');
  if (!roleAtLeast(principal.role, input.role)) {
    throw new InvalidInputError(`an API key cannot have a role above yours (${principal.role})`);
  }
  const secret = newSecret(API_KEY_PREFIX);
  const apiKey = await deps.store.inTenant(principal.tenantId, (repos) =>
    repos.apiKeys.create({
      id: deps.ids.newId(),
      name: input.name,
      role: input.role,
      prefix: secret.slice(0, 12),
      keyHash: hashSecret(secret),
      createdBy: principal.userId,
    }),
  );
  return { apiKey, secret };
}

export async function revokeApiKey(deps: UserDeps, principal: Principal, apiKeyId: string): Promise<ApiKey> {
  const revoked = await deps.store.inTenant(principal.tenantId, (repos) =>
    repos.apiKeys.revoke(apiKeyId, deps.clock.now()),
  );
  if (!revoked) throw new NotFoundError('API key not found');
  return revoked;
}
