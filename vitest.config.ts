import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{shared,functions,edge-gateway,infra/local,infra/aws,bench,web}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/.tsbuild/**', '**/.next*/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
