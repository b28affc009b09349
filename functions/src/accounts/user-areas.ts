// A user's areas and paging contact (ADR 0042): checked and stored with the rest of a user change, in
// the same transaction. An area is any asset with everything under it, seen besides the whole sites.
import {
  ConflictError,
  InvalidInputError,
  NotFoundError,
  type Role,
  type UpdateUser,
  type User,
} from '@plantwatch/shared';
import type { AreaRepositories } from '../assets/area-ports.ts';
import type { AssetRepositories } from '../assets/ports.ts';
import type { PeopleRepositories } from '../people/ports.ts';
import { canSeeSite, type Principal } from '../platform/principal.ts';

export type UserAreaRepositories = AreaRepositories &
  Pick<AssetRepositories, 'assets'> &
  Pick<PeopleRepositories, 'contacts'>;

const invalid = (field: string, message: string) =>
  new InvalidInputError(`${field}: ${message}`, { details: { field } });

/** Only the roles that read and act on alarms are limited to areas; engineers and above configure sites. */
export const areaRoles: readonly Role[] = ['operator', 'viewer'];

/** The user as the users routes answer it: with its areas and the contact it is paged as. */
export async function withAreas(repos: UserAreaRepositories, users: readonly User[]): Promise<User[]> {
  const [areas, links] = await Promise.all([repos.areas.byUser(), repos.areas.contactLinks()]);
  const contactOf = new Map(links.map((link) => [link.userId, link.contactId]));
  return users.map((user) => ({
    ...user,
    assetIds: areas.get(user.id) ?? [],
    contactId: contactOf.get(user.id) ?? null,
  }));
}

/**
 * Checks a patch's areas and contact against the user as it will be, then stores them. Assets must be
 * the tenant's, on sites the granting admin sees (another tenant's is "not found", naming the field).
 */
export async function applyUserAreas(
  repos: UserAreaRepositories,
  principal: Principal,
  target: User,
  patch: UpdateUser,
): Promise<void> {
  const role = patch.role ?? target.role;
  const siteIds = patch.siteIds !== undefined ? patch.siteIds : target.siteIds;
  const current = (await repos.areas.ofUser(target.id)).map((area) => area.assetId);
  const assetIds = patch.assetIds ?? current;
  if (assetIds.length > 0) {
    if (!areaRoles.includes(role)) {
      throw patch.assetIds
        ? invalid('assetIds', `only operators and viewers are limited to areas; this user would be ${role}`)
        : invalid('role', `the user is limited to areas, which ${role}s cannot be: send assetIds: [] too`);
    }
    if (siteIds === null) {
      throw invalid(
        'siteIds',
        'a user limited to areas needs siteIds as a list: the sites seen whole ([] for none)',
      );
    }
  }
  if (patch.assetIds) {
    for (const [index, assetId] of patch.assetIds.entries()) {
      const asset = await repos.assets.get(assetId);
      const field = `assetIds.${index}`;
      if (!asset || !canSeeSite(principal, asset.siteId))
        throw new NotFoundError(`${field}: asset not found`, { details: { field } });
      if (siteIds?.includes(asset.siteId))
        throw invalid(field, 'is on a site the user sees whole already (in siteIds)');
    }
    await repos.areas.setForUser(target.id, patch.assetIds);
  } else if (assetIds.length > 0 && patch.siteIds) {
    // the sites changed: an area on a site now seen whole is redundant, and said so
    const areas = await repos.areas.ofUser(target.id);
    const whole = areas.find((area) => patch.siteIds?.includes(area.siteId));
    if (whole)
      throw invalid('siteIds', `the user's area ${whole.assetId} is on this site: send assetIds too`);
  }
  if (patch.contactId !== undefined) {
    if (patch.contactId !== null && !(await repos.contacts.get(patch.contactId)))
      throw new NotFoundError('contactId: contact not found', { details: { field: 'contactId' } });
    const taken = (await repos.areas.contactLinks()).find(
      (link) => link.contactId === patch.contactId && link.userId !== target.id,
    );
    if (taken) throw new ConflictError('contactId: this contact is already linked to another user');
    await repos.areas.setContact(target.id, patch.contactId);
  }
}
