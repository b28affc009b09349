import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const script = path.join(import.meta.dirname, 'check-cycles.ts');
const fixtures = path.join(import.meta.dirname, 'fixtures/import-graph');

function runCheck(...paths: string[]) {
  return spawnSync(process.execPath, [script, ...paths], { encoding: 'utf8', timeout: 60_000 });
}

describe('check-cycles', () => {
  it('fails and prints the circle when modules import each other in a circle, a type-only import included', () => {
    const run = runCheck(path.join(fixtures, 'circle'));

    expect(run.status).toBe(1);
    const circle = ['device.ts', 'tag.ts', 'site.ts', 'device.ts']
      .map((file) => `scripts/fixtures/import-graph/circle/${file}`)
      .join(' -> ');
    expect(run.stdout).toContain('1 import circle (4 modules, 4 imports');
    expect(run.stdout).toContain(`1. ${circle}`);
  });

  it('passes when the imports form no circle', () => {
    const run = runCheck(path.join(fixtures, 'no-circle'));

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      'no import circle (2 modules, 1 import under scripts/fixtures/import-graph/no-circle)',
    );
  });

  it('refuses a path that does not exist, naming it', () => {
    const run = runCheck(path.join(fixtures, 'no-such-folder'));

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('no such file or folder: scripts/fixtures/import-graph/no-such-folder');
  });
});
