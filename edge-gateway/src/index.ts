// The edge gateway as a library: what infra/local and tests compose.
export { Backoff, defaultBackoff } from './backoff.ts';
export { DiskBuffer } from './buffer.ts';
export { ConfigError, loadConfig, parseConfig } from './config.ts';
export { createDrivers } from './drivers.ts';
export { Gateway, type GatewayOptions } from './gateway.ts';
export { createLogger, type Logger, silentLogger } from './log.ts';
export { provision } from './provision.ts';
export { ReportByException } from './rbe.ts';
export { cliPath, type GatewayProcess, gatewayMallocEnv, gatewayNodeFlags, spawnGateway } from './spawn.ts';
