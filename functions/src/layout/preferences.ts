// Each user's display preferences (GET/PUT /v1/me/preferences): language, theme, time zone, display
// units and the alarm tone. They belong to the signed-in user (an API key has none) and follow them
// from one browser to the next; never saved, every field is its default.
import { ForbiddenError, type UserPreferences, type userPreferencesInputSchema } from '@plantwatch/shared';
import type { z } from 'zod';
import type { Clock } from '../platform/clock.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { Principal } from '../platform/principal.ts';
import type { LayoutRepositories, StoredUserPreferences } from './ports.ts';

/** The ports the preferences run on. */
export interface PreferencesDeps {
  store: TenantStore<Pick<LayoutRepositories, 'userPreferences'>>;
  clock: Clock;
}

export const DEFAULT_PREFERENCES: Omit<UserPreferences, 'updatedAt'> = {
  language: null,
  theme: 'system',
  timeZone: null,
  units: {},
  alarmSound: true,
};

function userOf(principal: Principal): string {
  if (!principal.userId) {
    throw new ForbiddenError('preferences belong to a signed-in user; an API key has none');
  }
  return principal.userId;
}

const describe = (stored: StoredUserPreferences | null): UserPreferences =>
  stored
    ? {
        language: stored.language,
        theme: stored.theme,
        timeZone: stored.timeZone,
        units: stored.units,
        alarmSound: stored.alarmSound,
        updatedAt: stored.updatedAt.toISOString(),
      }
    : { ...DEFAULT_PREFERENCES, updatedAt: null };

export async function getUserPreferences(
  deps: PreferencesDeps,
  principal: Principal,
): Promise<UserPreferences> {
  const userId = userOf(principal);
  return describe(
    await deps.store.inTenant(principal.tenantId, (repos) => repos.userPreferences.get(userId)),
  );
}

/** Replaces the caller's preferences whole (the schema filled in the defaults of fields left out). */
export async function putUserPreferences(
  deps: PreferencesDeps,
  principal: Principal,
  input: z.output<typeof userPreferencesInputSchema>,
): Promise<UserPreferences> {
  const userId = userOf(principal);
  return describe(
    await deps.store.inTenant(principal.tenantId, (repos) =>
      repos.userPreferences.put(userId, input, deps.clock.now()),
    ),
  );
}
