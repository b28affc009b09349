// Next.js settings. Next's dev server reads this file itself, so the run's own distDir comes from the env.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';
import createNextIntlPlugin from 'next-intl/plugin';
import { webEnv } from './src/env.ts';
import { STATIC_SECURITY_HEADERS } from './src/security-headers.ts';

const webDir = dirname(fileURLToPath(import.meta.url));

// next-intl finds its per-request configuration (language, messages, time zone) through this.
const withNextIntl = createNextIntlPlugin('./src/i18n/request.ts');

export function nextConfig(distDir = '.next'): NextConfig {
  return withNextIntl({
    distDir,
    // The AWS deployment runs .next/standalone on Lambda (infra/aws/src/web.ts, ADR 0018); the local
    // runtime's programmatic server reads .next as before.
    output: 'standalone',
    // shared/ is TypeScript source, like every workspace here.
    transpilePackages: ['@plantwatch/shared'],
    turbopack: { root: resolve(webDir, '..') },
    outputFileTracingRoot: resolve(webDir, '..'),
    // Type-checking is `tsc -b` over web/tsconfig.json (strict, project references); Next rewrites the
    // tsconfig it is given, so it gets a throw-away one of its own and does not check types again.
    typescript: { tsconfigPath: 'tsconfig.next.json', ignoreBuildErrors: true },
    poweredByHeader: false,
    reactStrictMode: true,
    devIndicators: false,
    // Pages get these and a per-request CSP from src/proxy.ts; this covers what the proxy skips.
    async headers() {
      return [{ source: '/:path*', headers: STATIC_SECURITY_HEADERS }];
    },
  });
}

export default nextConfig(webEnv().WEB_DIST_DIR);
