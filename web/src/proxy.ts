// Runs before every page: a fresh CSP nonce (Next puts it on its own scripts), and the security headers.
// Authorisation is not checked here: the data layer checks it (server/viewer.ts), as middleware can be skipped.
import { type NextRequest, NextResponse } from 'next/server';
import { webEnv } from './env.ts';
import { newNonce, securityHeaders, servedOverHttps } from './security-headers.ts';

export function proxy(request: NextRequest) {
  const env = webEnv();
  const headers = securityHeaders({
    nonce: newNonce(),
    dev: env.WEB_MODE === 'dev',
    https: servedOverHttps(request.url, request.headers.get('x-forwarded-proto')),
    ...(env.MAP_TILE_URL ? { tileOrigin: new URL(env.MAP_TILE_URL.replace(/[{}]/g, '')).origin } : {}),
  });
  const csp = headers['Content-Security-Policy'] ?? '';
  // Next reads the nonce from the request's CSP header while it renders.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('Content-Security-Policy', csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  // Pages only: static files and the JSON routes get the fixed headers from next.config.ts.
  matcher: [
    {
      source: '/((?!api/|_next/static|_next/image|icon.svg|favicon.ico).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
