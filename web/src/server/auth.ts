import 'server-only';
// Authentication, all in one module: next-auth with a Credentials provider backed by the API's
// login, JWT sessions (encrypted cookies) carrying tenant, role and the API session token.
import { roleSchema, sessionSchema } from '@plantwatch/shared';
import { cookies } from 'next/headers';
import type { NextRequest } from 'next/server';
import type { AuthOptions, User } from 'next-auth';
import NextAuth from 'next-auth';
import { decode } from 'next-auth/jwt';
import CredentialsProvider from 'next-auth/providers/credentials';
import type { OAuthConfig } from 'next-auth/providers/oauth';
import { z } from 'zod';
import { ApiError, callApi } from './api.ts';
import { serverConfig } from './config.ts';

/** The API issues 12-hour sessions; the cookie lives no longer. */
const SESSION_SECONDS = 12 * 3600;

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

export class LoginRateLimitedError extends Error {}

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
    providers: [
      CredentialsProvider({
        id: 'credentials',
        name: 'E-mail and password',
        credentials: { email: { type: 'email' }, password: { type: 'password' } },
        async authorize(credentials) {
          const input = { email: credentials?.email ?? '', password: credentials?.password ?? '' };
          try {
            const session = sessionSchema.parse(await callApi('POST', '/v1/auth/login', { body: input }));
            const claims: AuthToken = {
              userId: session.user.id,
              tenantId: session.tenant.id,
              tenantName: session.tenant.name,
              role: session.user.role,
              apiToken: session.token,
              apiTokenExpiresAt: session.expiresAt,
            };
            return { id: session.user.id, name: session.user.name, email: session.user.email, ...claims };
          } catch (error) {
            if (error instanceof ApiError && error.status === 429) throw new Error('rate_limited');
            if (error instanceof ApiError && (error.status === 401 || error.status === 400)) return null;
            throw error;
          }
        },
      }),
      ...oidcProvider(),
    ],
    callbacks: {
      // OIDC identities have no API session to carry until the API can exchange them.
      signIn: ({ account }) => (account?.provider === 'credentials' ? true : '/login?error=sso_not_linked'),
      jwt({ token, user }) {
        if (user) Object.assign(token, authTokenSchema.parse(user as User & AuthToken));
        return token;
      },
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
