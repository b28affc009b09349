// Test helper: real edge gateway processes installed from their provisioning bundles (as
// `edge-gateway provision` does) and run as children, keeping each one's last log lines so a probe
// that gives up can say what the gateways were doing.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type GatewayProcess, provision, spawnGateway } from '@plantwatch/edge-gateway';
import { until } from './harness.ts';

/** Writes `bundle` (the provisioning-bundle response) into `dir` and installs it; returns config.json. */
export async function installGateway(bundle: unknown, dir: string, name: string): Promise<string> {
  const bundleFile = join(dir, `${name}.bundle.json`);
  await writeFile(bundleFile, JSON.stringify(bundle));
  return (await provision(bundleFile, join(dir, name))).configFile;
}

export interface GatewayProcesses {
  /** Runs `edge-gateway run --config <configFile>`, its output kept under `name`. */
  start(name: string, configFile: string): GatewayProcess;
  /** Every gateway's last log lines. */
  tails(): string;
  /** `until`, with the gateways' last log lines in the error when it gives up. */
  until<T>(
    what: string,
    probe: () => Promise<T | undefined>,
    withinMs: number,
    intervalMs?: number,
  ): Promise<T>;
  stopAll(graceMs?: number): Promise<void>;
}

export function gatewayProcesses(options: { keepLines?: number } = {}): GatewayProcesses {
  const keepLines = options.keepLines ?? 40;
  const gateways: GatewayProcess[] = [];
  const logs = new Map<string, string[]>();
  const tails = () => [...logs].map(([name, lines]) => `--- ${name}\n${lines.join('\n')}`).join('\n');
  return {
    start(name, configFile) {
      const gateway = spawnGateway(configFile, { stdio: 'pipe', logLevel: 'info' });
      const lines: string[] = [];
      logs.set(name, lines);
      const keep = (chunk: Buffer) => {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        lines.splice(0, Math.max(0, lines.length - keepLines));
      };
      gateway.child.stdout?.on('data', keep);
      gateway.child.stderr?.on('data', keep);
      gateways.push(gateway);
      return gateway;
    },
    tails,
    async until(what, probe, withinMs, intervalMs) {
      try {
        return await until(what, probe, withinMs, intervalMs);
      } catch (error) {
        throw new Error(`${(error as Error).message}\n${tails()}`);
      }
    },
    async stopAll(graceMs = 5_000) {
      await Promise.all(gateways.map((gateway) => gateway.stop(graceMs)));
    },
  };
}
