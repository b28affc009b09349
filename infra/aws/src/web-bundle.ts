// Assembles the web function's bundle from `next build` output (web/next.config.ts sets
// output: 'standalone'): the standalone server and its traced node_modules, the static files Next
// leaves out of it, start.mjs (reads the secrets, then starts the server) and run.sh, the handler
// the Lambda Web Adapter starts.
import { chmodSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const START_SOURCE = fileURLToPath(new URL('../web-start/start.ts', import.meta.url));

export class WebBuildMissingError extends Error {}

/** The repository-relative folder the standalone server sits in (outputFileTracingRoot is the repo root). */
const APP_FOLDER = 'web';

export const RUN_SH = `#!/bin/bash
# Started by the Lambda Web Adapter (AWS_LAMBDA_EXEC_WRAPPER=/opt/bootstrap): start.mjs reads the
# secrets named in SECRETS_TO_ENV, then starts the Next server, which listens on PORT.
export PLANTWATCH_WEB_START=1 PLANTWATCH_WEB_SERVER=./${APP_FOLDER}/server.js
exec node start.mjs
`;

/** Bundles web-start/start.ts (with the Secrets Manager client) into `<outDir>/start.mjs`. */
export function bundleStart(outDir: string): void {
  buildSync({
    entryPoints: [START_SOURCE],
    outfile: join(outDir, 'start.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: true,
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
}

/**
 * Copies `<webDir>/<distDir>/standalone` to `outDir` (replacing it), adds `<distDir>/static` and
 * `public` beside the server (where its baked-in config looks for them), and writes run.sh. Throws
 * when `next build` has not produced a standalone server.
 */
export function assembleWebBundle(webDir: string, outDir: string, distDir = '.next'): void {
  const standalone = join(webDir, distDir, 'standalone');
  const server = join(standalone, APP_FOLDER, 'server.js');
  if (!existsSync(server)) {
    throw new WebBuildMissingError(
      `${server} is missing: run \`next build\` in web/ with output: 'standalone' (web/next.config.ts) first`,
    );
  }
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  cpSync(standalone, outDir, { recursive: true, verbatimSymlinks: true });
  cpSync(join(webDir, distDir, 'static'), join(outDir, APP_FOLDER, distDir, 'static'), { recursive: true });
  if (existsSync(join(webDir, 'public'))) {
    cpSync(join(webDir, 'public'), join(outDir, APP_FOLDER, 'public'), { recursive: true });
  }
  bundleStart(outDir);
  writeFileSync(join(outDir, 'run.sh'), RUN_SH);
  chmodSync(join(outDir, 'run.sh'), 0o755);
}
