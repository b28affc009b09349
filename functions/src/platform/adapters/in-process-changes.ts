// The change feed of one process (the local runtime): whoever changes something and whoever streams it
// live to a browser run in the same process, so a set of listeners per tenant is the whole feed.
import type { Change, ChangeFeed } from '../changes.ts';
import { logger } from '../observability.ts';

export function createInProcessChangeFeed(): ChangeFeed & { listenerCount(): number } {
  const listeners = new Map<string, Set<(change: Change) => void>>();
  return {
    publish(change) {
      for (const listener of listeners.get(change.tenantId) ?? []) {
        try {
          listener(change);
        } catch (error) {
          // A listener's failure is its own stream's; the change and the other listeners go on.
          logger.error('a change listener failed', { error, tenantId: change.tenantId });
        }
      }
    },
    subscribe(tenantId, listener) {
      let set = listeners.get(tenantId);
      if (!set) {
        set = new Set();
        listeners.set(tenantId, set);
      }
      set.add(listener);
      return () => {
        const current = listeners.get(tenantId);
        current?.delete(listener);
        if (current?.size === 0) listeners.delete(tenantId);
      };
    },
    listenerCount: () => [...listeners.values()].reduce((sum, set) => sum + set.size, 0),
  };
}
