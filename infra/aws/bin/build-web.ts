// Builds the web app for AWS: `next build` (standalone output), then the Lambda bundle in
// infra/aws/build/web, which `npm run deploy -w @plantwatch/infra-aws` passes as -c webBundle=….
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../src/house-function.ts';
import { assembleWebBundle } from '../src/web-bundle.ts';

const WEB_BUNDLE_DIR = fileURLToPath(new URL('../build/web/', import.meta.url));

const webDir = `${repoRoot}web`;
// A folder of its own, so a build for AWS never touches the .next a local production server reads.
const distDir = '.next-aws';
execFileSync('npx', ['next', 'build'], {
  cwd: webDir,
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', WEB_DIST_DIR: distDir },
});
assembleWebBundle(webDir, WEB_BUNDLE_DIR, distDir);
console.log(`web bundle ready in ${WEB_BUNDLE_DIR}`);
