// The alarms as ingest and the derived-tag timer see them in the local runtime: each batch or status
// handed on, then the live streams told (composition root helper, compose.ts).
import type { AlarmEvaluator } from '@plantwatch/functions/alarms/ports';
import type { ChangeFeed } from '@plantwatch/functions/platform/changes';

/**
 * Ingest hands every stored batch and gateway status to the alarms; after each, the live streams hear
 * of the site's new values or the gateway's status (the alarms announce their own changes).
 */
export function withLiveChanges(alarms: AlarmEvaluator, changes: ChangeFeed): AlarmEvaluator {
  return {
    async evaluate(batch) {
      try {
        await alarms.evaluate(batch);
      } finally {
        changes.publish({ tenantId: batch.tenantId, topic: 'values', siteId: batch.siteId });
      }
    },
    async gatewayStatus(change) {
      try {
        await alarms.gatewayStatus(change);
      } finally {
        changes.publish({ tenantId: change.tenantId, topic: 'gateways', siteId: change.siteId });
      }
    },
  };
}
