import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { dockerCommands, npxCommands } from './gateway-commands.ts';

const gatewayDir = new URL('../../edge-gateway/', import.meta.url);

describe('the set-up wizard’s gateway commands', () => {
  it('are the docker commands edge-gateway/README.md documents, line for line', async () => {
    const readme = await readFile(new URL('README.md', gatewayDir), 'utf8');
    const commands = dockerCommands.split(/\n(?=docker run)/);
    expect(commands).toHaveLength(2);
    for (const command of commands) expect(readme).toContain(command);
  });

  it('keep the bundle and the buffer on the volume the image declares, and restart with the machine', async () => {
    const dockerfile = await readFile(new URL('Dockerfile', gatewayDir), 'utf8');
    expect(dockerfile).toContain('VOLUME ["/data"]');
    expect(dockerfile).toContain('-t plantwatch/edge-gateway');
    expect(dockerCommands).toContain('--out /data');
    expect(dockerCommands).toContain('--restart unless-stopped');
  });

  it('offer npx commands the gateway CLI knows: provision into a folder, then run its config', async () => {
    const cli = await readFile(new URL('src/cli.ts', gatewayDir), 'utf8');
    expect(cli).toContain('provision --bundle <file> [--out <dir>]');
    const [provision, run] = npxCommands.split('\n');
    const out = provision?.match(/--out (\S+)$/)?.[1];
    expect(provision).toMatch(/^npx edge-gateway provision --bundle bundle\.json --out \S+$/);
    expect(run).toBe(`npx edge-gateway run --config ${out}/config.json`);
  });
});
