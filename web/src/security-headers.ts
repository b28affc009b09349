// The security headers every page carries (set by proxy.ts per request, with a fresh script nonce).

export interface SecurityHeaderOptions {
  /** A fresh random value per response: the only inline scripts that run carry it. */
  nonce: string;
  /** Next's dev server evaluates code for its error overlay; production never does. */
  dev: boolean;
  /** Served over HTTPS (directly or behind a proxy that says so): browsers are told to stay on it. */
  https: boolean;
  /** The origin of the fleet map's tiles (MAP_TILE_URL), when there is one. */
  tileOrigin?: string;
}

/** A nonce for the CSP: 16 random bytes, base64. */
export function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

export function contentSecurityPolicy(options: SecurityHeaderOptions): string {
  return [
    "default-src 'self'",
    // 'strict-dynamic': scripts the nonced ones load (Next's chunks) may run; nothing inline without the nonce.
    `script-src 'self' 'nonce-${options.nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ''}`,
    // Inline style attributes (React's style={…}, Radix's popper positions) are needed; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob:${options.tileOrigin ? ` ${options.tileOrigin}` : ''}`,
    "font-src 'self'",
    "connect-src 'self'",
    "media-src 'self' data: blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/** Every header a page response gets, by name. */
export function securityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(options),
    'X-Content-Type-Options': 'nosniff',
    // Nothing about our URLs (site and alarm ids) leaves for other origins.
    'Referrer-Policy': 'same-origin',
    // frame-ancestors for browsers that predate it.
    'X-Frame-Options': 'DENY',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    'Cross-Origin-Opener-Policy': 'same-origin',
    ...(options.https ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

/** The headers for responses the proxy does not see (static files, API routes): everything but the CSP nonce. */
export const STATIC_SECURITY_HEADERS: { key: string; value: string }[] = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'same-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
];

/** Whether the request reached us over HTTPS: directly, or through a proxy that says so. */
export function servedOverHttps(url: string, forwardedProto: string | null): boolean {
  const proto = forwardedProto?.split(',')[0]?.trim().toLowerCase();
  return proto ? proto === 'https' : url.startsWith('https:');
}
