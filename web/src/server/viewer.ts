import 'server-only';
// Who is looking: checked against the API on every request (fresh role, ended sessions noticed),
// never taken from the cookie alone.
import { type Me, meSchema, type Role, roleAtLeast } from '@plantwatch/shared';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { ApiError, callApi } from './api.ts';
import { readAuthToken } from './auth.ts';

export interface Viewer {
  token: string;
  userId: string;
  name: string;
  email: string;
  role: Role;
  tenant: Me['tenant'];
}

/** Raised when the viewer's role is below what an operation needs; pages check first and show why. */
export class RoleTooLowError extends Error {
  readonly needed: Role;
  constructor(needed: Role) {
    super(`this needs the ${needed} role`);
    this.name = 'RoleTooLowError';
    this.needed = needed;
  }
}

/** The signed-in viewer, or a redirect to the login page. One API round trip per request. */
export const getViewer = cache(async (): Promise<Viewer> => {
  const claims = await readAuthToken();
  if (!claims) redirect('/login');
  let me: Me;
  try {
    me = meSchema.parse(await callApi('GET', '/v1/me', { token: claims.apiToken }));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) redirect('/login?error=expired');
    throw error;
  }
  return {
    token: claims.apiToken,
    userId: me.user?.id ?? claims.userId,
    name: me.user?.name ?? '',
    email: me.user?.email ?? '',
    role: me.role,
    tenant: me.tenant,
  };
});

/** The viewer if their role is at least `needed`; otherwise RoleTooLowError. */
export async function viewerWithRole(needed: Role): Promise<Viewer> {
  const viewer = await getViewer();
  if (!roleAtLeast(viewer.role, needed)) throw new RoleTooLowError(needed);
  return viewer;
}

export async function can(needed: Role): Promise<boolean> {
  return roleAtLeast((await getViewer()).role, needed);
}
