'use server';
// A signed-in user's own account (password, two-step login, sessions), the tenant's security policy
// (owner) and an admin's levers on a user's login (lift the hold on new devices, sign out everywhere).
// The role is checked here and again by the API.
import 'server-only';
import {
  changePasswordSchema,
  disableMfaSchema,
  idSchema,
  type Role,
  recoveryCodesSchema,
  totpConfirmSchema,
  totpEnrolmentSchema,
  updateSecurityPolicySchema,
} from '@plantwatch/shared';
import { revalidatePath } from 'next/cache';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import type { AccountState } from '../account-state.ts';
import { accountFailure, checked } from './account-results.ts';
import { ApiError, callApi } from './api.ts';
import { viewerWithRole } from './viewer.ts';

const ACCOUNT_PAGE = '/settings/account';

const text = (form: FormData, name: string): string | undefined => {
  const value = form.get(name);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
};
const secret = (form: FormData, name: string): string => {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
};

async function call(role: Role, method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) {
  const viewer = await viewerWithRole(role);
  return callApi(method, path, { token: viewer.token, ...(body === undefined ? {} : { body }) });
}

// --- password ---

export async function changePassword(_previous: AccountState, form: FormData): Promise<AccountState> {
  const t = await getTranslations('account');
  const input = await checked(changePasswordSchema, {
    currentPassword: secret(form, 'currentPassword'),
    newPassword: secret(form, 'newPassword'),
  });
  if (input.refused) return input.refused;
  try {
    await call('viewer', 'POST', '/v1/me/password', input.data);
  } catch (error) {
    return accountFailure(error, 'a password change');
  }
  revalidatePath(ACCOUNT_PAGE);
  return { status: 'ok', message: t('passwordChanged') };
}

// --- two-step login ---

/** A new secret for the authenticator app; the first code confirms it. */
export async function startTotp(): Promise<AccountState> {
  try {
    const totp = totpEnrolmentSchema.parse(await call('viewer', 'POST', '/v1/me/mfa/totp'));
    return {
      status: 'idle',
      step: 'mfa-enrolment',
      totp: { secret: totp.secret, otpauthUri: totp.otpauthUri },
    };
  } catch (error) {
    return accountFailure(error, 'a two-step login set-up');
  }
}

export async function confirmTotp(_previous: AccountState, form: FormData): Promise<AccountState> {
  const input = await checked(totpConfirmSchema, { code: text(form, 'code') });
  if (input.refused) return input.refused;
  try {
    const { recoveryCodes } = recoveryCodesSchema.parse(
      await call('viewer', 'POST', '/v1/me/mfa/totp/confirm', input.data),
    );
    return { status: 'ok', step: 'recovery-codes', recoveryCodes };
  } catch (error) {
    return accountFailure(error, 'a two-step login confirmation');
  }
}

export async function newRecoveryCodes(_previous: AccountState, form: FormData): Promise<AccountState> {
  const input = await checked(totpConfirmSchema, { code: text(form, 'code') });
  if (input.refused) return input.refused;
  try {
    const { recoveryCodes } = recoveryCodesSchema.parse(
      await call('viewer', 'POST', '/v1/me/mfa/recovery-codes', input.data),
    );
    return { status: 'ok', step: 'recovery-codes', recoveryCodes };
  } catch (error) {
    return accountFailure(error, 'new recovery codes');
  }
}

export async function disableMfa(_previous: AccountState, form: FormData): Promise<AccountState> {
  const t = await getTranslations('account');
  const input = await checked(disableMfaSchema, {
    password: secret(form, 'password'),
    code: text(form, 'code'),
  });
  if (input.refused) return input.refused;
  try {
    await call('viewer', 'DELETE', '/v1/me/mfa', input.data);
  } catch (error) {
    return accountFailure(error, 'turning two-step login off');
  }
  revalidatePath(ACCOUNT_PAGE);
  return { status: 'ok', message: t('mfaTurnedOff') };
}

/** After the recovery codes were shown: the page shows the new state. */
export async function refreshAccountPage(): Promise<void> {
  revalidatePath(ACCOUNT_PAGE);
}

// --- sessions ---

export async function endSession(sessionId: string): Promise<AccountState> {
  if (!idSchema.safeParse(sessionId).success)
    return accountFailure(new Error('bad session id'), 'ending a session');
  try {
    await call('viewer', 'DELETE', `/v1/me/sessions/${sessionId}`);
  } catch (error) {
    return accountFailure(error, 'ending a session');
  }
  revalidatePath(ACCOUNT_PAGE);
  return { status: 'ok' };
}

/** Everywhere else (this browser stays signed in), or everywhere (this browser too: back to the login). */
export async function endSessions(keepCurrent: boolean): Promise<AccountState> {
  const t = await getTranslations('account');
  try {
    await call('viewer', 'DELETE', `/v1/me/sessions?keepCurrent=${keepCurrent ? 'true' : 'false'}`);
  } catch (error) {
    return accountFailure(error, 'signing out sessions');
  }
  if (!keepCurrent) {
    const jar = await cookies();
    for (const name of ['__Secure-next-auth.session-token', 'next-auth.session-token']) jar.delete(name);
    redirect('/login');
  }
  revalidatePath(ACCOUNT_PAGE);
  return { status: 'ok', message: t('signedOutElsewhere') };
}

// --- the security policy (owner) ---

export async function updateSecurityPolicy(_previous: AccountState, form: FormData): Promise<AccountState> {
  const t = await getTranslations('securityPolicy');
  const idle = text(form, 'sessionIdleMinutes');
  const absolute = text(form, 'sessionAbsoluteHours');
  const input = await checked(updateSecurityPolicySchema, {
    mfaRequiredForAdmins: form.get('mfaRequiredForAdmins') === 'on',
    sessionIdleMinutes: idle === undefined ? null : Number(idle),
    sessionAbsoluteHours: absolute === undefined ? undefined : Number(absolute),
  });
  if (input.refused) return input.refused;
  try {
    await call('owner', 'PATCH', '/v1/tenant/security', input.data);
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) {
      return {
        status: 'error',
        message: t('ownerNeedsMfa'),
        link: { href: ACCOUNT_PAGE, label: t('setUpYours') },
      };
    }
    return accountFailure(error, 'a security policy change');
  }
  revalidatePath('/settings/security');
  return { status: 'ok', message: t('saved') };
}

// --- a user's login (admin) ---

export async function liftLoginProtection(userId: string): Promise<AccountState> {
  const t = await getTranslations('userSecurity');
  if (!idSchema.safeParse(userId).success) return accountFailure(new Error('bad user id'), 'lifting a hold');
  try {
    await call('admin', 'DELETE', `/v1/users/${userId}/login-protection`);
  } catch (error) {
    return accountFailure(error, 'lifting a hold');
  }
  revalidatePath(`/users/${userId}`);
  return { status: 'ok', message: t('lifted') };
}

export async function endUserSessions(userId: string): Promise<AccountState> {
  const t = await getTranslations('userSecurity');
  if (!idSchema.safeParse(userId).success)
    return accountFailure(new Error('bad user id'), 'signing a user out');
  try {
    await call('admin', 'DELETE', `/v1/users/${userId}/sessions`);
  } catch (error) {
    return accountFailure(error, 'signing a user out');
  }
  revalidatePath(`/users/${userId}`);
  return { status: 'ok', message: t('signedOut') };
}
