// A closed-loop HTTP load generator: a fixed number of requests in flight over keep-alive
// connections, stopping at a request count or a time limit, whichever comes first.
import { Agent, request } from 'node:http';
import { Worker } from 'node:worker_threads';

export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  /** Requests in flight at once (one keep-alive connection each). */
  concurrency: number;
  /** Stop issuing after this many requests… */
  maxRequests: number;
  /** …or after this many milliseconds, whichever comes first. */
  maxMs: number;
  /** The status every response must have. */
  expectStatus?: number;
}

export interface LoadResult {
  /** Responses received with the expected status. */
  ok: number;
  /** Responses with another status, and requests that failed outright. */
  errors: number;
  /** Up to five examples of what went wrong, for the report. */
  errorSamples: string[];
  elapsedMs: number;
  /** Responses with the expected status per second. */
  requestsPerSecond: number;
}

export async function measureThroughput(options: LoadOptions, agent?: Agent): Promise<LoadResult> {
  const ownAgent = agent === undefined;
  const httpAgent = agent ?? new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const expected = options.expectStatus ?? 200;
  const target = new URL(options.url);
  let issued = 0;
  let ok = 0;
  let errors = 0;
  const errorSamples: string[] = [];
  const started = performance.now();
  const deadline = started + options.maxMs;
  let finished = started;

  const noteError = (what: string) => {
    errors += 1;
    if (errorSamples.length < 5) errorSamples.push(what);
  };

  const once = () =>
    new Promise<void>((done) => {
      const req = request(
        {
          agent: httpAgent,
          host: target.hostname,
          port: target.port,
          path: `${target.pathname}${target.search}`,
          method: 'GET',
          headers: options.headers,
        },
        (res) => {
          // The body must be read to the end for the connection to be reused.
          res.on('data', () => {});
          res.on('end', () => {
            if (res.statusCode === expected) ok += 1;
            else noteError(`HTTP ${res.statusCode} from ${target.pathname}`);
            done();
          });
          res.on('error', (error) => {
            noteError(error.message);
            done();
          });
        },
      );
      req.on('error', (error) => {
        noteError(error.message);
        done();
      });
      req.end();
    });

  const worker = async () => {
    while (issued < options.maxRequests && performance.now() < deadline) {
      issued += 1;
      await once();
      finished = performance.now();
    }
  };

  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    if (ownAgent) httpAgent.destroy();
  }
  const elapsedMs = finished - started;
  return {
    ok,
    errors,
    errorSamples,
    elapsedMs,
    requestsPerSecond: elapsedMs > 0 ? (ok * 1000) / elapsedMs : 0,
  };
}

/**
 * Runs measurements in a worker thread, so the load generator does not compete with an in-process
 * server for the main thread's event loop.
 */
export interface LoadWorker {
  measure(options: LoadOptions): Promise<LoadResult>;
  close(): Promise<void>;
}

export type LoadWorkerRequest = { id: number; options: LoadOptions };
export type LoadWorkerReply = { id: number; result: LoadResult } | { id: number; error: string };

export function startLoadWorker(): LoadWorker {
  const worker = new Worker(new URL('./http-load-worker.ts', import.meta.url));
  const pending = new Map<number, { resolve: (r: LoadResult) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  const failAll = (error: Error) => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  worker.on('message', (reply: LoadWorkerReply) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if ('error' in reply) waiter.reject(new Error(reply.error));
    else waiter.resolve(reply.result);
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`the load worker exited (code ${code})`)));
  return {
    measure(options) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, options } satisfies LoadWorkerRequest);
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
