// A job the local runtime runs on a timer (the alarm check, housekeeping); on AWS a schedule runs it.
import { logger } from './observability.ts';

export interface PeriodicJob<T> {
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
  /** Runs now (tests), or joins the run in progress. */
  runNow(): Promise<T>;
}

/**
 * Runs `run` every `intervalMs`, one run at a time: a run that takes longer than the interval delays
 * the next instead of overlapping it. A failed run is logged under `name` and the next one tries again.
 */
export function startPeriodic<T>(name: string, run: () => Promise<T>, intervalMs: number): PeriodicJob<T> {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<T> | undefined;
  let stopped = false;
  const runOnce = (): Promise<T> => {
    if (running) return running;
    running = run().finally(() => {
      running = undefined;
    });
    return running;
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      runOnce()
        .catch((error: unknown) => logger.error(`${name} failed`, { error }))
        .finally(schedule);
    }, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
    runNow: runOnce,
  };
}
