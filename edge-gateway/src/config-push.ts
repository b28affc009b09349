// Pushed config versions: the retained cmd/.../config message decoded and checked (a gzip-compressed
// one too), and the last good version kept on disk, written atomically with the one before it beside
// it, so a restart runs what was last applied even when the broker's retained message is bad.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { gatewayConfigMessageSchema, type PushedConfig, pushedConfigSchema } from '@plantwatch/shared';
import { describeIssues } from './config.ts';
import { errorMessage } from './log.ts';

export interface PushedVersion {
  version: number;
  issuedAt: string;
  config: PushedConfig;
}

export type PushDecision =
  | { ok: true; pushed: PushedVersion }
  | { ok: false; version?: number; reason: string };

/** The message as the gateway can run it, or why not (naming the field, as a config file error would). */
export function decodeConfigMessage(payload: Buffer | string): PushDecision {
  let raw: unknown;
  try {
    raw = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `not JSON: ${errorMessage(error)}` };
  }
  const rawVersion =
    typeof raw === 'object' && raw !== null && 'version' in raw && typeof raw.version === 'number'
      ? raw.version
      : undefined;
  const version =
    rawVersion !== undefined && Number.isInteger(rawVersion) && rawVersion >= 0 ? rawVersion : undefined;
  const refuse = (reason: string): PushDecision => ({
    ok: false,
    ...(version !== undefined ? { version } : {}),
    reason,
  });
  const envelope = gatewayConfigMessageSchema.safeParse(raw);
  if (!envelope.success) return refuse(describeIssues(envelope.error));
  const { config, configGzip } = envelope.data;
  if (config)
    return { ok: true, pushed: { version: envelope.data.version, issuedAt: envelope.data.issuedAt, config } };
  let unpacked: unknown;
  try {
    unpacked = JSON.parse(gunzipSync(Buffer.from(configGzip ?? '', 'base64')).toString('utf8'));
  } catch (error) {
    return refuse(`configGzip: not gzip-compressed JSON: ${errorMessage(error)}`);
  }
  const parsed = pushedConfigSchema.safeParse(unpacked);
  if (!parsed.success) return refuse(describeIssues(parsed.error, 'config'));
  return {
    ok: true,
    pushed: { version: envelope.data.version, issuedAt: envelope.data.issuedAt, config: parsed.data },
  };
}

/** The last good pushed version on disk (and the one before it), in the buffer folder. */
export class LastGoodConfig {
  readonly #file: string;
  readonly #previous: string;

  constructor(dir: string) {
    this.#file = join(dir, 'pushed-config.json');
    this.#previous = join(dir, 'pushed-config.previous.json');
  }

  /** The newest readable version: the last good one, or the one before it if that file is damaged. */
  read(): PushedVersion | null {
    for (const file of [this.#file, this.#previous]) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      const decision = decodeConfigMessage(text);
      if (decision.ok) return decision.pushed;
    }
    return null;
  }

  /** Keeps `pushed` as the last good version; the one it replaces becomes the previous. */
  write(pushed: PushedVersion): void {
    const text = JSON.stringify({
      v: 1,
      version: pushed.version,
      issuedAt: pushed.issuedAt,
      config: pushed.config,
    });
    writeFileSync(`${this.#file}.tmp`, text);
    try {
      renameSync(this.#file, this.#previous);
    } catch {
      // No last good version yet.
    }
    renameSync(`${this.#file}.tmp`, this.#file);
  }
}
