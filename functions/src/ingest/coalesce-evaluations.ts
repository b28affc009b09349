// Alarm evaluation costs a config-store transaction (the gateway's tags, the site's rules, their
// states) whatever the number of points, and ingest handles many messages of one gateway side by side.
// This wrapper evaluates the batches of a gateway that arrive in one turn of the event loop together,
// and merges those that arrive while it runs into one evaluation after it: a batch of 64 messages
// costs one or two transactions instead of 64. Every batch is still evaluated, and each caller's promise settles with
// the evaluation that included its points, so ingest acknowledges a message only after that.
// Merging is safe: the engine sorts a rule's samples by time and skips those at or before the
// state's last sample, so one call with A and B sees at least what A then B would have seen.
import type { AlarmEvaluator, AlarmPoint } from '../alarms/ports.ts';

type Batch = Parameters<AlarmEvaluator['evaluate']>[0];

interface Waiting {
  ids: { tenantId: string; siteId: string; gatewayId: string };
  points: AlarmPoint[];
  callers: { resolve: () => void; reject: (error: unknown) => void }[];
}

export function coalesceAlarmEvaluations(alarms: AlarmEvaluator): AlarmEvaluator {
  const waiting = new Map<string, Waiting>();
  const running = new Set<string>();

  async function drain(key: string): Promise<void> {
    try {
      for (let group = waiting.get(key); group; group = waiting.get(key)) {
        waiting.delete(key);
        try {
          await alarms.evaluate({ ...group.ids, points: group.points });
          for (const caller of group.callers) caller.resolve();
        } catch (error) {
          for (const caller of group.callers) caller.reject(error);
        }
      }
    } finally {
      running.delete(key);
    }
  }

  return {
    evaluate(batch: Batch) {
      if (batch.points.length === 0) return Promise.resolve();
      const { tenantId, siteId, gatewayId } = batch;
      const key = `${tenantId}\u0000${siteId}\u0000${gatewayId}`;
      return new Promise<void>((resolve, reject) => {
        let group = waiting.get(key);
        if (!group) {
          group = { ids: { tenantId, siteId, gatewayId }, points: [], callers: [] };
          waiting.set(key, group);
        }
        for (const point of batch.points) group.points.push(point);
        group.callers.push({ resolve, reject });
        // Started on the next turn of the event loop: the messages of one stored group finish
        // together, and their batches then make one evaluation instead of one plus the rest.
        if (!running.has(key)) {
          running.add(key);
          setImmediate(() => void drain(key));
        }
      });
    },
    gatewayStatus: (change) => alarms.gatewayStatus(change),
  };
}
