// One full garbage collection once the product has started. Start-up (migrations, the demo's seeding,
// waiting on the web build) leaves garbage across hundreds of heap pages; a process whose work is a
// steady trickle (ingest at 1 Hz) may not run a full collection for a long time, and V8 keeps those
// pages resident until one does: 593 → 407 MB for the runtime (ADR 0054).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Collects all garbage now. `gc` exists only with --expose-gc; a fresh context gets it once the flag is set. */
export function collectStartupGarbage(): void {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
