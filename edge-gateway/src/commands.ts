// Commands from the cloud (cmd/{tenant}/{site}/{gateway}/request): browse an OPC UA server's address
// space or a Sparkplug B edge node's births, or read every tag of one device once (test connection). Each request carries a correlation
// id and a deadline; the answer goes to dt/.../response as the JSON of an outcome, cut into numbered
// parts so no message comes near the broker's 128 KB. A request past its deadline is dropped (nobody
// waits for it any more); at most two run at once, so commands never crowd out polling.
import {
  type BrowseParams,
  type ConfigDevice,
  type GatewayCommandOutcome,
  type GatewayCommandRequest,
  type GatewayCommandResponsePart,
  gatewayCommandRequestSchema,
  MAX_RESPONSE_PARTS,
  RESPONSE_CHUNK_CHARS,
  type ReadOnceResult,
  type TelemetryPoint,
} from '@plantwatch/shared';
import { describeIssues } from './config.ts';
import { createDrivers } from './drivers.ts';
import { errorMessage, type Logger } from './log.ts';

export interface CommandRunnerOptions {
  log: Logger;
  /** The OPC UA client certificate store (the drivers' own). */
  pkiDir: string;
  /** Publishes one response message; rejects when it could not. */
  respond: (payload: string) => Promise<void>;
}

const MAX_RUNNING = 2;

class DeadlineError extends Error {}

function beforeDeadline<T>(work: Promise<T>, deadline: number, what: string): Promise<T> {
  const left = deadline - Date.now();
  if (left <= 0) return Promise.reject(new DeadlineError(`${what}: no time left before the deadline`));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`${what} did not finish before the deadline`)), left);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** The outcome's JSON in parts of at most RESPONSE_CHUNK_CHARS characters, numbered from 0. */
export function responseParts(id: string, outcome: GatewayCommandOutcome): GatewayCommandResponsePart[] {
  let text = JSON.stringify(outcome);
  if (Math.ceil(text.length / RESPONSE_CHUNK_CHARS) > MAX_RESPONSE_PARTS) {
    text = JSON.stringify({
      ok: false,
      error: `the answer is ${Math.round(text.length / 1024)} KB, more than ${MAX_RESPONSE_PARTS} messages carry; ask for less (a smaller depth or maxNodes)`,
    } satisfies GatewayCommandOutcome);
  }
  const parts = Math.max(1, Math.ceil(text.length / RESPONSE_CHUNK_CHARS));
  return Array.from({ length: parts }, (_, part) => ({
    v: 1 as const,
    id,
    part,
    parts,
    chunk: text.slice(part * RESPONSE_CHUNK_CHARS, (part + 1) * RESPONSE_CHUNK_CHARS),
  }));
}

const isModbusException = (error: unknown) =>
  typeof error === 'object' && error !== null && 'modbusCode' in error;

async function readDevice(
  device: ConfigDevice,
  options: { log: Logger; pkiDir: string; deadline: number },
): Promise<TelemetryPoint[]> {
  const drivers = await createDrivers([device], options.log, { pkiDir: options.pkiDir });
  try {
    const read = Promise.all(drivers.map((driver) => driver.readOnce()));
    return (await beforeDeadline(read, options.deadline, `reading ${device.id}`)).flat();
  } finally {
    await Promise.allSettled(drivers.map((driver) => driver.stop()));
  }
}

/** Every tag of the device with its value or its error; tag by tag when the device refuses some. */
export async function readOnce(
  device: ConfigDevice,
  options: { log: Logger; pkiDir: string; deadline: number },
): Promise<ReadOnceResult> {
  const started = Date.now();
  const result = (reachable: boolean, tags: ReadOnceResult['tags']): ReadOnceResult => ({
    device: device.id,
    reachable,
    tookMs: Date.now() - started,
    tags,
  });
  const fromPoints = (points: readonly TelemetryPoint[], tags: readonly { id: string }[]) =>
    tags.map((tag) => {
      const point = points.find((p) => p.t === tag.id);
      if (!point) return { tag: tag.id, value: null, quality: null, ts: null, error: 'no value came back' };
      return {
        tag: tag.id,
        value: point.v,
        quality: point.q,
        ts: point.ts,
        error: point.q === 'bad' ? 'the device reports this value as bad' : null,
      };
    });
  try {
    return result(true, fromPoints(await readDevice(device, options), device.tags));
  } catch (error) {
    if (!isModbusException(error) || device.protocol === 'opcua') {
      const message = errorMessage(error);
      return result(
        false,
        device.tags.map((tag) => ({ tag: tag.id, value: null, quality: null, ts: null, error: message })),
      );
    }
  }
  // The device answered, but refused a block: which tags it refuses, one at a time.
  const tags: ReadOnceResult['tags'] = [];
  for (const tag of device.tags) {
    try {
      const single = { ...device, tags: [tag] } as ConfigDevice;
      tags.push(...fromPoints(await readDevice(single, options), [tag]));
    } catch (error) {
      tags.push({ tag: tag.id, value: null, quality: null, ts: null, error: errorMessage(error) });
    }
  }
  return result(true, tags);
}

export class CommandRunner {
  readonly #options: CommandRunnerOptions;
  #running = 0;
  /** Answered ids, so a request delivered twice (QoS 1) runs once. */
  readonly #seen = new Set<string>();

  constructor(options: CommandRunnerOptions) {
    this.#options = options;
  }

  /** A message from the request topic; never throws. */
  handle(payload: Buffer): void {
    const { log } = this.#options;
    let raw: unknown;
    try {
      raw = JSON.parse(payload.toString('utf8'));
    } catch (error) {
      log.warn('command refused: not JSON', { error });
      return;
    }
    const parsed = gatewayCommandRequestSchema.safeParse(raw);
    if (!parsed.success) {
      const id = typeof raw === 'object' && raw !== null && 'id' in raw ? String(raw.id) : undefined;
      const reason = describeIssues(parsed.error);
      log.warn('command refused', { commandId: id ?? null, reason });
      // Answer when the id is usable, so the cloud says why instead of waiting out the deadline.
      if (id && /^[0-9a-f-]{36}$/i.test(id))
        void this.#answer(id, { ok: false, error: `bad request: ${reason}` });
      return;
    }
    const request = parsed.data;
    if (this.#seen.has(request.id)) return;
    this.#seen.add(request.id);
    if (this.#seen.size > 1000) this.#seen.delete(this.#seen.values().next().value as string);
    if (request.deadline <= Date.now()) {
      log.info('command dropped: its deadline has passed', { commandId: request.id, kind: request.kind });
      return;
    }
    if (this.#running >= MAX_RUNNING) {
      void this.#answer(request.id, {
        ok: false,
        error: 'the gateway is busy with other commands; try again',
      });
      return;
    }
    this.#running += 1;
    void this.#run(request).finally(() => {
      this.#running -= 1;
    });
  }

  async #run(request: GatewayCommandRequest): Promise<void> {
    const { log, pkiDir } = this.#options;
    log.info('command', { commandId: request.id, kind: request.kind });
    let outcome: GatewayCommandOutcome;
    try {
      const result =
        request.kind === 'browse'
          ? await this.#browse(request.params, request.deadline)
          : await readOnce(request.params.device, { log, pkiDir, deadline: request.deadline });
      outcome = { ok: true, result };
    } catch (error) {
      outcome = { ok: false, error: errorMessage(error).slice(0, 2000) };
    }
    if (request.deadline <= Date.now()) {
      log.warn('command finished after its deadline; not answering', { commandId: request.id });
      return;
    }
    await this.#answer(request.id, outcome);
  }

  async #browse(params: BrowseParams, deadline: number) {
    if ('sparkplug' in params) {
      const { discoverSparkplug } = await import('./sparkplug/discover.ts');
      const work = discoverSparkplug(params.sparkplug, {
        log: this.#options.log,
        timeoutMs: Math.max(1000, deadline - Date.now() - 500),
        maxNodes: params.maxNodes,
      });
      return beforeDeadline(
        work,
        deadline,
        `discovering ${params.sparkplug.groupId}/${params.sparkplug.edgeNodeId}`,
      );
    }
    const { browseTree } = await import('./opcua/browse.ts');
    const work = browseTree(params.endpoint, {
      depth: params.depth,
      pkiDir: this.#options.pkiDir,
      log: this.#options.log,
      securityMode: params.securityMode,
      securityPolicy: params.securityPolicy,
      readValues: true,
      maxNodes: params.maxNodes,
      timeoutMs: Math.max(1000, deadline - Date.now()),
      ...(params.startNodeId ? { startNodeId: params.startNodeId } : {}),
    });
    return beforeDeadline(work, deadline, `browsing ${params.endpoint}`);
  }

  async #answer(id: string, outcome: GatewayCommandOutcome): Promise<void> {
    try {
      for (const part of responseParts(id, outcome)) await this.#options.respond(JSON.stringify(part));
    } catch (error) {
      // The cloud sees the deadline pass and says the gateway did not answer; the log says why.
      this.#options.log.warn('cannot send a command answer', { commandId: id, error });
    }
  }
}
