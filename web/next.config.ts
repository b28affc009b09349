// Next.js settings. Next's dev server reads this file itself, so the run's own distDir comes from the env.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';
import { webEnv } from './src/env.ts';

const webDir = dirname(fileURLToPath(import.meta.url));

export function nextConfig(distDir = '.next'): NextConfig {
  return {
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
  };
}

export default nextConfig(webEnv().WEB_DIST_DIR);
