import 'server-only';
// The signed-in user's display preferences, as the API keeps them (GET /v1/me/preferences): they
// follow the user from browser to browser. Read once per request; null when nobody is signed in or
// the API could not say (the page then renders with the browser's cookies and defaults).
import { type UserPreferences, type UserPreferencesInput, userPreferencesSchema } from '@plantwatch/shared';
import { cache } from 'react';
import { ApiError, callApi } from './api.ts';
import { readAuthToken } from './auth.ts';

export const loadUserPreferences = cache(async (): Promise<UserPreferences | null> => {
  const claims = await readAuthToken();
  if (!claims) return null;
  try {
    return userPreferencesSchema.parse(
      await callApi('GET', '/v1/me/preferences', { token: claims.apiToken }),
    );
  } catch {
    // An API key session has none (403), a lapsed session is sent to log in by the page itself.
    return null;
  }
});

/**
 * Changes some of the user's preferences: the API replaces them whole, so the others are sent as they
 * are — or, the first time, as this browser had them (`browser`: its cookies). Returns false when
 * nobody is signed in, or for an API key session (the caller keeps the choice in a cookie only).
 */
export async function changeUserPreferences(
  change: Partial<UserPreferencesInput>,
  browser: Partial<UserPreferencesInput>,
): Promise<boolean> {
  const claims = await readAuthToken();
  if (!claims) return false;
  let current: UserPreferences;
  try {
    current = userPreferencesSchema.parse(
      await callApi('GET', '/v1/me/preferences', { token: claims.apiToken }),
    );
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return false;
    throw error;
  }
  const { updatedAt, ...whole } = current;
  const base = updatedAt === null ? { ...whole, ...browser } : whole;
  await callApi('PUT', '/v1/me/preferences', { token: claims.apiToken, body: { ...base, ...change } });
  return true;
}
