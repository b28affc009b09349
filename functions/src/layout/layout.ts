// Each user's home layout (issue #6, ADR 0019): the tags and charts they pinned. A layout belongs to
// the signed-in user; an API key has none. Pins of tags the user may not see are refused when saved
// (422 naming the pin) and left out when read, so a deleted tag or a narrowed site list never shows.
import {
  ForbiddenError,
  type HomeLayout,
  type HomeLayoutInput,
  type HomePin,
  InvalidInputError,
} from '@plantwatch/shared';
import type { DerivedTagRepositories } from '../derived-tags/ports.ts';
import type { PlantRepositories, TagTelemetryRef } from '../plant/ports.ts';
import type { Clock } from '../platform/clock.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import { canSeeSite, type Principal } from '../platform/principal.ts';
import { derivedRef } from '../telemetry/telemetry.ts';
import type { LayoutRepositories } from './ports.ts';

/** The ports the home layout runs on. */
export interface LayoutDeps {
  store: TenantStore<LayoutRepositories & Pick<PlantRepositories, 'tags'> & DerivedTagRepositories>;
  clock: Clock;
}

function userOf(principal: Principal): string {
  if (!principal.userId) {
    throw new ForbiddenError('a home layout belongs to a signed-in user; an API key has none');
  }
  return principal.userId;
}

const tagIdsOf = (pin: HomePin) => (pin.kind === 'tag' ? [pin.tagId] : pin.tagIds);

/** The pinned tags the user may see; a derived tag (ADR 0053) is pinned by id like a tag. */
async function pinnedRefs(
  repos: Pick<PlantRepositories, 'tags'> & DerivedTagRepositories,
  principal: Principal,
  tagIds: readonly string[],
): Promise<TagTelemetryRef[]> {
  if (tagIds.length === 0) return [];
  const refs = await repos.tags.telemetryRefs({ tagIds, scope: principal.siteIds });
  for (const id of tagIds) {
    if (refs.some((ref) => ref.tagId === id)) continue;
    const derived = await repos.derivedTags.get(id);
    if (derived && canSeeSite(principal, derived.siteId)) refs.push(derivedRef(derived));
  }
  return refs;
}

/** The pins as far as `visible` allows: a tag pin goes, a chart keeps its visible tags (or goes). */
function visiblePins(pins: readonly HomePin[], visible: ReadonlySet<string>): HomePin[] {
  return pins.flatMap((pin): HomePin[] => {
    if (pin.kind === 'tag') return visible.has(pin.tagId) ? [pin] : [];
    const tagIds = pin.tagIds.filter((id) => visible.has(id));
    return tagIds.length > 0 ? [{ ...pin, tagIds }] : [];
  });
}

function describe(pins: HomePin[], refs: readonly TagTelemetryRef[], updatedAt: Date | null): HomeLayout {
  const used = new Set(pins.flatMap(tagIdsOf));
  return {
    pins,
    tags: refs
      .filter((ref) => used.has(ref.tagId))
      .map((ref) => ({
        id: ref.tagId,
        name: ref.name,
        unit: ref.unit,
        siteId: ref.siteId,
        gatewayId: ref.gatewayId,
        deviceId: ref.deviceId,
      })),
    updatedAt: updatedAt ? updatedAt.toISOString() : null,
  };
}

export async function getHomeLayout(deps: LayoutDeps, principal: Principal): Promise<HomeLayout> {
  const userId = userOf(principal);
  return deps.store.inTenant(principal.tenantId, async (repos) => {
    const stored = await repos.homeLayouts.get(userId);
    if (!stored) return { pins: [], tags: [], updatedAt: null };
    const refs = await pinnedRefs(repos, principal, [...new Set(stored.pins.flatMap(tagIdsOf))]);
    const pins = visiblePins(stored.pins, new Set(refs.map((ref) => ref.tagId)));
    return describe(pins, refs, stored.updatedAt);
  });
}

export async function putHomeLayout(
  deps: LayoutDeps,
  principal: Principal,
  input: HomeLayoutInput,
): Promise<HomeLayout> {
  const userId = userOf(principal);
  const seenTagPins = new Set<string>();
  input.pins.forEach((pin, index) => {
    if (pin.kind !== 'tag') return;
    if (seenTagPins.has(pin.tagId)) {
      throw new InvalidInputError(`pins.${index}: tag ${pin.tagId} is already pinned`, {
        details: { field: `pins.${index}.tagId` },
      });
    }
    seenTagPins.add(pin.tagId);
  });
  return deps.store.inTenant(principal.tenantId, async (repos) => {
    const refs = await pinnedRefs(repos, principal, [...new Set(input.pins.flatMap(tagIdsOf))]);
    const visible = new Set(refs.map((ref) => ref.tagId));
    // Another tenant's tag, a tag outside the user's sites and a deleted tag look the same: unknown.
    input.pins.forEach((pin, index) => {
      const unknown = tagIdsOf(pin).findIndex((id) => !visible.has(id));
      if (unknown === -1) return;
      const field = pin.kind === 'tag' ? `pins.${index}.tagId` : `pins.${index}.tagIds.${unknown}`;
      throw new InvalidInputError(`${field}: tag ${tagIdsOf(pin)[unknown]} not found`, {
        details: { field },
      });
    });
    const stored = await repos.homeLayouts.put(userId, input.pins, deps.clock.now());
    return describe(stored.pins, refs, stored.updatedAt);
  });
}
