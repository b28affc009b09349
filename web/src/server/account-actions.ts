'use server';
// The public account flows (ADR 0031): sign-up and its e-mailed link, the login with its second step
// (a code, or setting one up when the organisation requires it), and the password reset. Each step
// calls the API; when the API answers a session, auth.ts turns it into the browser's session cookie.
import 'server-only';
import {
  emailOnlySchema,
  loginChallengeSchema,
  loginResultSchema,
  loginSchema,
  mailAcceptedSchema,
  mfaEnrolmentConfirmSchema,
  mfaLoginSchema,
  resetPasswordSchema,
  type Session,
  sessionSchema,
  signUpAcceptedSchema,
  signUpSchema,
  totpEnrolmentSchema,
  verifyEmailSchema,
} from '@plantwatch/shared';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { type AccountState, safeNext } from '../account-state.ts';
import { accountFailure, checked } from './account-results.ts';
import { callApi } from './api.ts';
import { readDeviceToken, startWebSession } from './auth.ts';

const text = (form: FormData, name: string): string | undefined => {
  const value = form.get(name);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
};
const secret = (form: FormData, name: string): string => {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
};

// --- sign-up and its link ---

/** Sign-up answers 202 whatever the address: the page says to open the e-mailed link. */
export async function signUp(_previous: AccountState, form: FormData): Promise<AccountState> {
  const input = await checked(signUpSchema, {
    tenantName: text(form, 'tenantName'),
    name: text(form, 'name'),
    email: text(form, 'email'),
    password: secret(form, 'password'),
    timeZone: text(form, 'timeZone'),
  });
  if (input.refused) return input.refused;
  try {
    const accepted = signUpAcceptedSchema.parse(
      await callApi('POST', '/v1/auth/signup', { body: input.data }),
    );
    return { status: 'ok', step: 'check-inbox', message: accepted.message, email: input.data.email };
  } catch (error) {
    return accountFailure(error, 'a sign-up');
  }
}

/** Another verification link (202 for any address). */
export async function resendVerification(_previous: AccountState, form: FormData): Promise<AccountState> {
  const input = await checked(emailOnlySchema, { email: text(form, 'email') });
  if (input.refused) return input.refused;
  try {
    mailAcceptedSchema.parse(await callApi('POST', '/v1/auth/verify-email/resend', { body: input.data }));
    const t = await getTranslations('accountAuth');
    return {
      status: 'ok',
      step: 'check-inbox',
      message: t('resent', { email: input.data.email }),
      email: input.data.email,
    };
  } catch (error) {
    return accountFailure(error, 'a new verification link');
  }
}

/** The e-mailed link's token: the address is confirmed and the browser signed in. */
export async function verifyEmail(token: string): Promise<AccountState> {
  const t = await getTranslations('accountAuth');
  const input = verifyEmailSchema.safeParse({ token });
  if (!input.success) return { status: 'error', message: t('verifyBadLink') };
  try {
    await startWebSession(
      sessionSchema.parse(await callApi('POST', '/v1/auth/verify-email', { body: input.data })),
    );
  } catch (error) {
    return accountFailure(error, 'an e-mail verification', { unauthenticated: t('verifyBadLink') });
  }
  redirect('/fleet?welcome=1');
}

// --- login ---

/** Signs the browser in and goes on, or shows the recovery codes a required enrolment just made. */
async function signedIn(session: Session, next: string): Promise<AccountState> {
  await startWebSession(session);
  if (session.recoveryCodes?.length) {
    return { status: 'ok', step: 'recovery-codes', recoveryCodes: session.recoveryCodes, next };
  }
  redirect(next);
}

/** E-mail and password (and this browser's device token): a session, or the second step. */
export async function logIn(_previous: AccountState, form: FormData): Promise<AccountState> {
  const t = await getTranslations();
  const next = safeNext(text(form, 'next'));
  const deviceToken = await readDeviceToken();
  const input = await checked(loginSchema, {
    email: text(form, 'email'),
    password: secret(form, 'password'),
    ...(deviceToken ? { deviceToken } : {}),
  });
  if (input.refused) return input.refused;
  let session: Session;
  try {
    const result = loginResultSchema.parse(await callApi('POST', '/v1/auth/login', { body: input.data }));
    if ('challenge' in result) {
      const challenge = loginChallengeSchema.parse(result);
      if (challenge.challenge === 'mfa-code') {
        return { status: 'idle', step: 'mfa-code', challengeToken: challenge.challengeToken, next };
      }
      const totp = totpEnrolmentSchema.parse(
        await callApi('POST', '/v1/auth/login/mfa-enrolment', {
          body: { challengeToken: challenge.challengeToken },
        }),
      );
      return {
        status: 'idle',
        step: 'mfa-enrolment',
        challengeToken: challenge.challengeToken,
        totp: { secret: totp.secret, otpauthUri: totp.otpauthUri },
        next,
      };
    }
    session = result;
  } catch (error) {
    return accountFailure(error, 'a login', { unauthenticated: t('auth.badCredentials') });
  }
  return signedIn(session, next);
}

/** The second step: a code from the authenticator app, or a recovery code. */
export async function logInSecondStep(_previous: AccountState, form: FormData): Promise<AccountState> {
  const recovery = text(form, 'recoveryCode');
  const input = await checked(mfaLoginSchema, {
    challengeToken: text(form, 'challengeToken'),
    ...(recovery !== undefined ? { recoveryCode: recovery } : { code: text(form, 'code') }),
  });
  if (input.refused) return input.refused;
  let session: Session;
  try {
    session = sessionSchema.parse(await callApi('POST', '/v1/auth/login/mfa', { body: input.data }));
  } catch (error) {
    return accountFailure(error, 'a second login step');
  }
  return signedIn(session, safeNext(text(form, 'next')));
}

/** The first code of the app set up at login: two-step login is on, the session starts. */
export async function confirmLoginEnrolment(_previous: AccountState, form: FormData): Promise<AccountState> {
  const input = await checked(mfaEnrolmentConfirmSchema, {
    challengeToken: text(form, 'challengeToken'),
    code: text(form, 'code'),
  });
  if (input.refused) return input.refused;
  let session: Session;
  try {
    session = sessionSchema.parse(
      await callApi('POST', '/v1/auth/login/mfa-enrolment/confirm', { body: input.data }),
    );
  } catch (error) {
    return accountFailure(error, 'a two-step login set-up');
  }
  return signedIn(session, safeNext(text(form, 'next')));
}

// --- password reset ---

export async function requestPasswordReset(_previous: AccountState, form: FormData): Promise<AccountState> {
  const input = await checked(emailOnlySchema, { email: text(form, 'email') });
  if (input.refused) return input.refused;
  try {
    const accepted = mailAcceptedSchema.parse(
      await callApi('POST', '/v1/auth/password-reset', { body: input.data }),
    );
    return { status: 'ok', step: 'check-inbox', message: accepted.message, email: input.data.email };
  } catch (error) {
    return accountFailure(error, 'a password reset request');
  }
}

/** The reset link's token and the new password (204); every session of the account ends. */
export async function resetPassword(_previous: AccountState, form: FormData): Promise<AccountState> {
  const t = await getTranslations('accountAuth');
  const input = await checked(resetPasswordSchema, {
    token: text(form, 'token'),
    newPassword: secret(form, 'newPassword'),
  });
  if (input.refused) return input.refused;
  try {
    await callApi('POST', '/v1/auth/password-reset/confirm', { body: input.data });
    return { status: 'ok', message: t('resetDone') };
  } catch (error) {
    return accountFailure(error, 'a password reset');
  }
}
