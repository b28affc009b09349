// The container runs the gateway with the same V8 flags and malloc settings as spawnGateway and the benchmark.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { gatewayMallocEnv, gatewayNodeFlags } from '../src/spawn.ts';

describe('Dockerfile', () => {
  it('starts the CLI with gatewayNodeFlags', async () => {
    const dockerfile = await readFile(new URL('../Dockerfile', import.meta.url), 'utf8');
    const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)?.[1];
    expect(JSON.parse(entrypoint ?? '[]')).toEqual([
      'node',
      ...gatewayNodeFlags,
      '/app/edge-gateway/src/cli.ts',
    ]);
  });

  it('sets gatewayMallocEnv', async () => {
    const dockerfile = await readFile(new URL('../Dockerfile', import.meta.url), 'utf8');
    const env = Object.fromEntries(
      [...dockerfile.matchAll(/^ENV (.*)$/gm)].flatMap((line) =>
        (line[1] ?? '').split(/\s+/).map((pair) => pair.split('=') as [string, string]),
      ),
    );
    expect(env).toMatchObject(gatewayMallocEnv);
  });
});
