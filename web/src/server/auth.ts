import 'server-only';
// Authentication, all in one module: next-auth's JWT sessions (encrypted cookies) carrying tenant, role
// and the API session token. The API's login has steps (a second factor, an enrolment, an e-mailed
// link: ADR 0031), so the web app's server actions walk them and, once the API answers a session,
// write next-auth's own session cookie here (startWebSession); next-auth reads it, shows it at
// /api/auth/session and signs out with it. The device token of a login is kept in an httpOnly cookie.
import { roleSchema, type Session } from '@plantwatch/shared';
import { cookies } from 'next/headers';
import type { NextRequest } from 'next/server';
import type { AuthOptions } from 'next-auth';
import NextAuth from 'next-auth';
import { decode, encode } from 'next-auth/jwt';
import type { OAuthConfig } from 'next-auth/providers/oauth';
import { z } from 'zod';
import { callApi } from './api.ts';
import { serverConfig } from './config.ts';

/**
 * The longest session a tenant can choose (sessionAbsoluteHours ≤ 720). Each cookie lives exactly as
 * long as its API session (startWebSession); this only bounds what next-auth accepts.
 */
const SESSION_SECONDS = 720 * 3600;
/** A device that logged in keeps its token a year (ADR 0031), so failed logins elsewhere never lock it out. */
const DEVICE_COOKIE_SECONDS = 365 * 24 * 3600;

/** What the encrypted session cookie carries. The API token stays inside it, never in `session`. */
export const authTokenSchema = z.object({
  userId: z.string(),
  tenantId: z.string(),
  tenantName: z.string(),
  role: roleSchema,
  apiToken: z.string(),
  apiTokenExpiresAt: z.string(),
});
export type AuthToken = z.infer<typeof authTokenSchema>;

function oidcProvider(): OAuthConfig<Record<string, unknown>>[] {
  const env = serverConfig();
  if (!env.OIDC_ISSUER || !env.OIDC_CLIENT_ID || !env.OIDC_CLIENT_SECRET) return [];
  return [
    {
      id: 'oidc',
      name: env.OIDC_NAME,
      type: 'oauth',
      wellKnown: `${env.OIDC_ISSUER.replace(/\/+$/, '')}/.well-known/openid-configuration`,
      clientId: env.OIDC_CLIENT_ID,
      clientSecret: env.OIDC_CLIENT_SECRET,
      authorization: { params: { scope: 'openid email profile' } },
      idToken: true,
      checks: ['pkce', 'state'],
      profile: (profile) => ({
        id: String(profile.sub),
        email: typeof profile.email === 'string' ? profile.email : null,
        name: typeof profile.name === 'string' ? profile.name : null,
      }),
    },
  ];
}

/** Whether the OIDC button is offered (OIDC_* set). */
export const oidcLabel = (): string | null => (oidcProvider().length ? serverConfig().OIDC_NAME : null);

export function authOptions(): AuthOptions {
  return {
    secret: serverConfig().NEXTAUTH_SECRET,
    session: { strategy: 'jwt', maxAge: SESSION_SECONDS },
    jwt: { maxAge: SESSION_SECONDS },
    pages: { signIn: '/login', error: '/login' },
    providers: [...oidcProvider()],
    callbacks: {
      // OIDC identities have no API session to carry until the API can exchange them.
      signIn: () => '/login?error=sso_not_linked',
      jwt: ({ token }) => token,
      // What /api/auth/session (readable by the browser) shows: never the API token.
      session({ session, token }) {
        const claims = authTokenSchema.safeParse(token);
        if (claims.success) {
          session.user = { name: token.name ?? null, email: token.email ?? null };
          Object.assign(session, { tenantName: claims.data.tenantName, role: claims.data.role });
        }
        return session;
      },
    },
    events: {
      async signOut({ token }) {
        const claims = authTokenSchema.safeParse(token);
        if (!claims.success) return;
        // The API session ends with the cookie; a failure here must not keep the user signed in.
        await callApi('POST', '/v1/auth/logout', { token: claims.data.apiToken }).catch(() => undefined);
      },
    },
  };
}

const handler = (req: NextRequest, context: { params: Promise<{ nextauth: string[] }> }) =>
  NextAuth(authOptions())(req, context);

export { handler as GET, handler as POST };

const COOKIE_NAMES = ['__Secure-next-auth.session-token', 'next-auth.session-token'];

/** The signed-in user's claims from the encrypted session cookie, or null. Server code only. */
export async function readAuthToken(): Promise<AuthToken | null> {
  const jar = await cookies();
  const raw = COOKIE_NAMES.map((name) => jar.get(name)?.value).find((value) => value !== undefined);
  if (!raw) return null;
  const secret = serverConfig().NEXTAUTH_SECRET;
  if (!secret) return null;
  const decoded = await decode({ token: raw, secret }).catch(() => null);
  const claims = authTokenSchema.safeParse(decoded);
  return claims.success ? claims.data : null;
}

/** next-auth's cookie names: the __Secure- prefixed ones when the app is served over https. */
function cookieNames() {
  const secure = (serverConfig().NEXTAUTH_URL ?? '').startsWith('https://');
  return {
    secure,
    session: `${secure ? '__Secure-' : ''}next-auth.session-token`,
    device: `${secure ? '__Secure-' : ''}plantwatch-device`,
  };
}

/**
 * Signs the browser in with a session the API answered (login, second factor, enrolment, e-mail
 * link, invitation): next-auth's encrypted session cookie, living as long as the API session, and the
 * device token when the API issued one. Server actions only (they may set cookies).
 */
export async function startWebSession(session: Session): Promise<void> {
  const secret = serverConfig().NEXTAUTH_SECRET;
  if (!secret) throw new Error('NEXTAUTH_SECRET is not set: the web server sets it at start (serve.ts)');
  const seconds = Math.max(
    60,
    Math.min(SESSION_SECONDS, Math.floor((Date.parse(session.expiresAt) - Date.now()) / 1000)),
  );
  const claims: AuthToken = {
    userId: session.user.id,
    tenantId: session.tenant.id,
    tenantName: session.tenant.name,
    role: session.user.role,
    apiToken: session.token,
    apiTokenExpiresAt: session.expiresAt,
  };
  const token = await encode({
    token: { sub: session.user.id, name: session.user.name, email: session.user.email, ...claims },
    secret,
    maxAge: seconds,
  });
  const names = cookieNames();
  const jar = await cookies();
  jar.set(names.session, token, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: names.secure,
    maxAge: seconds,
  });
  if (session.deviceToken) {
    jar.set(names.device, session.deviceToken, {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure: names.secure,
      maxAge: DEVICE_COOKIE_SECONDS,
    });
  }
}

/** The device token an earlier login on this browser left, sent with the next login. */
export async function readDeviceToken(): Promise<string | undefined> {
  const value = (await cookies()).get(cookieNames().device)?.value;
  return value && value.length <= 200 ? value : undefined;
}
