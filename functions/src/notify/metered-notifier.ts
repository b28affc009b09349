// Pages counted by channel as they leave: a Notifier around another, so every runtime counts the same
// way whatever adapters send. A refused page is counted and then passed on to the caller unchanged.
import type { Metrics } from '../platform/metrics.ts';
import { logger } from '../platform/observability.ts';
import type { Notifier } from './ports.ts';

export function withPageMetrics<N extends Notifier>(notifier: N, metrics: Metrics): N {
  return {
    ...notifier,
    async send(message) {
      try {
        const receipt = await notifier.send(message);
        if (!receipt.duplicate) metrics.increment('pages_sent', { channel: message.channel });
        logger.info('message sent', {
          tenantId: message.tenantId,
          channel: message.channel,
          alarmId: message.alarmId,
          notificationId: receipt.notificationId,
          status: receipt.status,
          duplicate: receipt.duplicate ?? false,
        });
        return receipt;
      } catch (error) {
        metrics.increment('page_failures', { channel: message.channel });
        throw error;
      }
    },
  };
}
