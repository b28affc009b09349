// Loading and validating the gateway config (a file or an http(s) URL); errors name the field.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { type GatewayConfig, gatewayConfigSchema } from '@plantwatch/shared';
import type { z } from 'zod';

export class ConfigError extends Error {}

/** "no such file", "permission denied", ... for an error from the file system. */
export function describeFileError(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a folder, not a file';
  if (code === 'ENOTDIR') return 'a part of the path is not a folder';
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'ENOSPC') return 'no space left on the device';
  return error instanceof Error ? error.message : String(error);
}

/** "devices[0].tags[1].bit: bit is only for a bool inside a holding or input register" per issue. */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.reduce<string>(
        (text, part) =>
          typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part),
        prefix,
      );
      return `${path || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}

export function parseConfig(raw: unknown, source: string): GatewayConfig {
  const result = gatewayConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(`invalid config ${source}: ${describeIssues(result.error)}`);
  return result.data;
}

export function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `${source} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export interface LoadedConfig {
  config: GatewayConfig;
  /** Relative paths in the config (certificates, buffer dir) are relative to this. */
  baseDir: string;
}

export async function loadConfig(location: string): Promise<LoadedConfig> {
  if (/^https?:\/\//.test(location)) {
    let response: Response;
    try {
      response = await fetch(location, { signal: AbortSignal.timeout(15_000) });
    } catch (error) {
      throw new ConfigError(
        `cannot fetch config ${location}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (!response.ok) throw new ConfigError(`cannot fetch config ${location}: HTTP ${response.status}`);
    return {
      config: parseConfig(parseJson(await response.text(), location), location),
      baseDir: process.cwd(),
    };
  }
  let text: string;
  try {
    text = await readFile(location, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${location}: ${describeFileError(error)}`);
  }
  return { config: parseConfig(parseJson(text, location), location), baseDir: dirname(resolve(location)) };
}

export function resolveFrom(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}
