// The correlation id of the work in progress: set where a message enters (an MQTT telemetry batch:
// `<gatewayId>:<seq>`), carried by Node's async context through ingest, the alarm unit of work, the
// escalation dispatch and the messages it sends, and added by the logger to every line written
// meanwhile (observability.ts). No port passes it by hand, so no signature changes for it.
import { AsyncLocalStorage } from 'node:async_hooks';

const context = new AsyncLocalStorage<string>();

export function withCorrelationId<T>(correlationId: string, work: () => T): T {
  return context.run(correlationId, work);
}

/** The id of the message being handled; undefined outside one. */
export function currentCorrelationId(): string | undefined {
  return context.getStore();
}
