// Setup file of the `unit` Vitest project (vitest.config.ts): unit tests touch no network. An attempt
// to open a socket throws where it is made and, because the code under test may catch that error,
// also fails the test once it ends (or the file, when made outside a test).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { childLogVariable, installNetworkGuard, NetworkInUnitTestError } from './network-guard.ts';

const attempts: string[] = [];
installNetworkGuard((attempt) => attempts.push(attempt));

// Node processes a test starts inherit the guard through NODE_OPTIONS and report to this file.
const childLog = join(tmpdir(), `plantwatch-no-network-${process.pid}-${randomUUID()}.log`);
const preload = `--import="${new URL('./network-guard-child.ts', import.meta.url).href}"`;
process.env[childLogVariable] = childLog;
if (!process.env.NODE_OPTIONS?.includes(preload)) {
  process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, preload].filter(Boolean).join(' ');
}

function takeAttempts(): string[] {
  const found = attempts.splice(0);
  try {
    found.push(...readFileSync(childLog, 'utf8').split('\n').filter(Boolean));
    rmSync(childLog, { force: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return found;
}

function failOnAttempts(): void {
  const found = takeAttempts();
  if (found.length > 0) throw new NetworkInUnitTestError(found);
}

afterEach(failOnAttempts);
afterAll(failOnAttempts);

// A CDK app made without an outdir synthesizes into a fresh cdk.outXXXX in the temp folder, never
// removed (39 folders, 21 MB, a CI run): this test file's apps share one folder, removed after it.
const cdkOut = mkdtempSync(join(tmpdir(), 'plantwatch-cdk-test-'));
process.env.CDK_OUTDIR = cdkOut;
afterAll(() => {
  delete process.env.CDK_OUTDIR;
  rmSync(cdkOut, { recursive: true, force: true });
});
