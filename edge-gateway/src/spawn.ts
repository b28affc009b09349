// Runs the gateway as a child process (`edge-gateway run --config <file>`), as the local runtime
// does next to its simulators: a crash of the gateway never takes the caller down with it.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LogLevel } from './log.ts';

export const cliPath = fileURLToPath(new URL('./cli.ts', import.meta.url));

export interface GatewayProcess {
  child: ChildProcess;
  /** SIGTERM (the gateway flushes its buffer and publishes "offline"), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number | null>;
}

export function spawnGateway(
  configFile: string,
  options: { logLevel?: LogLevel; stdio?: 'inherit' | 'ignore' | 'pipe' } = {},
): GatewayProcess {
  const child = spawn(
    process.execPath,
    [cliPath, 'run', '--config', configFile, '--log-level', options.logLevel ?? 'info'],
    { stdio: ['ignore', options.stdio ?? 'inherit', options.stdio ?? 'inherit'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
