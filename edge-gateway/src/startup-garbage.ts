// One full garbage collection once start-up is over, in the gateway's main thread and in each driver
// worker. Connecting (node-opcua's certificate and session, the first config) leaves garbage on heap
// pages that V8 keeps resident until a full collection, and a gateway polling a few PLCs allocates
// too slowly to need one for a long time (ADR 0054: 261 → 232 MB for the demo gateway).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Long enough for the first connections to be made, at a machine's busiest start. */
export const STARTUP_SETTLE_MS = 15_000;

/** Collects all garbage now. `gc` exists only with --expose-gc; a fresh context gets it once the flag is set. */
export function collectStartupGarbage(): void {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

/** collectStartupGarbage after STARTUP_SETTLE_MS; the timer keeps nothing alive. */
export function collectStartupGarbageSoon(delayMs = STARTUP_SETTLE_MS): void {
  setTimeout(collectStartupGarbage, delayMs).unref();
}
