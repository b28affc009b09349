#!/usr/bin/env node
// The gateway's command line (also the container entrypoint):
//   run --config <file|url>             poll and publish until stopped
//   read --config <file> --once         read every tag once, one JSON line per point, then exit
//   browse <opc.tcp://...> [--depth N]  print the OPC UA address space as JSON
//   provision --bundle <file> [--out d] install credentials and config from a provisioning bundle
//   health --config <file>              exit 0 if the running gateway wrote its status recently
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { TelemetryPoint } from '@plantwatch/shared';
import { ConfigError, loadConfig, resolveFrom } from './config.ts';
import { createDrivers } from './drivers.ts';
import { Gateway } from './gateway.ts';
import { createLogger, errorMessage, type Logger, type LogLevel } from './log.ts';
import { provision } from './provision.ts';
import { collectStartupGarbageSoon } from './startup-garbage.ts';

const usage = `usage: edge-gateway <command> [options]
  run --config <file|url>              poll the PLCs and publish until stopped (SIGINT/SIGTERM)
  read --config <file> --once          read every tag once, print one JSON line per point, exit
  browse <opc.tcp://host:port/path> [--depth N]   print the OPC UA address space as JSON
  provision --bundle <file> [--out <dir>]          install a provisioning bundle (default --out .)
  health --config <file> | --file <status.json> [--max-age <s>]   exit 0 if the gateway's status is fresh
options: --log-level debug|info|warn|error`;

class UsageError extends Error {}

function logLevelOf(value: string | undefined): LogLevel {
  if (value === undefined) return 'info';
  if (value === 'debug' || value === 'info' || value === 'warn' || value === 'error') return value;
  throw new UsageError(`--log-level must be debug, info, warn or error, not "${value}"`);
}

async function runCommand(location: string, log: Logger, logLevel: LogLevel): Promise<number> {
  const { config, baseDir } = await loadConfig(location);
  if (!config.mqtt)
    throw new ConfigError(`config ${location}: mqtt: required for run (only read --once works without it)`);
  const gateway = await Gateway.start({ config, baseDir, log, logLevel });
  collectStartupGarbageSoon();
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log.info('stopping');
  await gateway.stop();
  return 0;
}

async function readCommand(location: string, log: Logger): Promise<number> {
  const { config, baseDir } = await loadConfig(location);
  const devices = config.devices.filter((device) => device.enabled);
  const drivers = await createDrivers(devices, log, {
    pkiDir: join(resolveFrom(baseDir, config.buffer.dir), 'pki'),
  });
  const results = await Promise.allSettled(drivers.map((driver) => driver.readOnce()));
  let unreachable = 0;
  results.forEach((result, i) => {
    const deviceId = drivers[i]?.deviceId ?? '?';
    if (result.status === 'rejected') {
      unreachable += 1;
      log.error('device unreachable', { device: deviceId, error: errorMessage(result.reason) });
      return;
    }
    for (const point of result.value as TelemetryPoint[]) {
      process.stdout.write(
        `${JSON.stringify({ device: point.d, tag: point.t, ts: point.ts, value: point.v, quality: point.q })}\n`,
      );
    }
  });
  await Promise.allSettled(drivers.map((driver) => driver.stop()));
  return unreachable > 0 ? 1 : 0;
}

async function healthCommand(file: string, maxAgeSeconds: number): Promise<number> {
  try {
    const status = JSON.parse(await readFile(file, 'utf8')) as { ts?: unknown; state?: unknown };
    const age = Date.now() - (typeof status.ts === 'number' ? status.ts : 0);
    if (status.state === 'online' && age <= maxAgeSeconds * 1000) return 0;
    process.stderr.write(`status in ${file} is ${Math.round(age / 1000)} s old\n`);
  } catch (error) {
    process.stderr.write(`cannot read ${file}: ${errorMessage(error)}\n`);
  }
  return 1;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      once: { type: 'boolean', default: false },
      depth: { type: 'string', default: '3' },
      bundle: { type: 'string' },
      out: { type: 'string', default: '.' },
      file: { type: 'string' },
      'max-age': { type: 'string', default: '60' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(`${usage}\n`);
    return command === undefined ? 2 : 0;
  }
  const logLevel = logLevelOf(values['log-level']);
  const log = createLogger({ level: logLevel });
  switch (command) {
    case 'run':
      if (!values.config) throw new UsageError('run needs --config <file|url>');
      return runCommand(values.config, log, logLevel);
    case 'read':
      if (!values.config) throw new UsageError('read needs --config <file>');
      if (!values.once) throw new UsageError('read needs --once (use run to poll continuously)');
      return readCommand(values.config, log);
    case 'browse': {
      const endpoint = positionals[0];
      if (!endpoint?.startsWith('opc.tcp://')) throw new UsageError('browse needs an opc.tcp:// endpoint');
      const depth = Number(values.depth);
      if (!Number.isInteger(depth) || depth < 1 || depth > 10) throw new UsageError('--depth must be 1-10');
      const { browse } = await import('./opcua/browse.ts');
      const tree = await browse(endpoint, { depth, pkiDir: join(tmpdir(), 'plantwatch-gateway-pki') });
      process.stdout.write(`${JSON.stringify(tree, null, 2)}\n`);
      return 0;
    }
    case 'provision': {
      if (!values.bundle) throw new UsageError('provision needs --bundle <file>');
      const result = await provision(values.bundle, values.out);
      log.info('provisioned', { config: result.configFile, files: result.files });
      process.stdout.write(`${JSON.stringify({ config: result.configFile })}\n`);
      return 0;
    }
    case 'health': {
      let file = values.file;
      if (!file && values.config) {
        const { config, baseDir } = await loadConfig(values.config);
        file = join(resolveFrom(baseDir, config.buffer.dir), 'status.json');
      }
      if (!file) throw new UsageError('health needs --config <file> or --file <status.json>');
      return healthCommand(file, Number(values['max-age']));
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

if (import.meta.main) {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`edge-gateway: ${error.message}\n${usage}\n`);
      process.exitCode = 2;
    } else if (error instanceof ConfigError) {
      createLogger().error(error.message);
      process.exitCode = 1;
    } else {
      createLogger().error('failed', {
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
      process.exitCode = 1;
    }
  }
  // Drivers and clients may hold sockets open a little longer; the command is done.
  process.exit(process.exitCode ?? 0);
}
