import type { ReportJobQueue } from '../../ports.ts';
// The local runtime's report queue: runs are generated in process, a few at a time, each on its own,
// so a slow or failing report never holds up another tenant's.

export interface LocalReportJobQueue extends ReportJobQueue {
  /** Resolves when everything queued so far has finished (tests, shutdown). */
  drain(): Promise<void>;
}

export function createLocalReportJobQueue(
  run: (job: { tenantId: string; runId: string }) => Promise<unknown>,
  options: {
    concurrency?: number;
    onError?: (error: unknown, job: { tenantId: string; runId: string }) => void;
  } = {},
): LocalReportJobQueue {
  const concurrency = options.concurrency ?? 2;
  const waiting: { tenantId: string; runId: string }[] = [];
  const running = new Set<Promise<void>>();
  let idle: (() => void)[] = [];

  const pump = () => {
    while (running.size < concurrency && waiting.length > 0) {
      const job = waiting.shift() as { tenantId: string; runId: string };
      const task = run(job)
        .then(() => undefined)
        .catch((error: unknown) => options.onError?.(error, job))
        .finally(() => {
          running.delete(task);
          pump();
        });
      running.add(task);
    }
    if (running.size === 0 && waiting.length === 0) {
      for (const resolve of idle) resolve();
      idle = [];
    }
  };

  return {
    async enqueue(job) {
      waiting.push(job);
      // after the caller's transaction has committed and its answer is on the way
      setImmediate(pump);
    },
    drain: () =>
      new Promise<void>((resolve) => {
        idle.push(resolve);
        setImmediate(pump);
      }),
  };
}
