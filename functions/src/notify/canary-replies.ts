// A reply (SMS, WhatsApp, Telegram), a key press or an e-mail link that answers the tenant canary's
// test page rather than an alarm: it acknowledges the canary run, as the canary capability records it.
import type { CanaryAckChannel } from '@plantwatch/shared';
import type { CanaryRepositories } from '../canary/ports.ts';
import { acknowledgeCanaryRun } from '../canary/runs.ts';
import type { Clock } from '../platform/clock.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { Metrics } from '../platform/metrics.ts';
import { type InboundOutcome, isAckReply } from './replies.ts';
import type { PagedAlarms } from './repositories.ts';

/** What acknowledging a canary needs of the notification use-cases' ports (notify.ts passes its own). */
export interface CanaryReplyDeps {
  store: TenantStore<Pick<CanaryRepositories, 'canaryRuns'>>;
  clock: Clock;
  notify: { metrics?: Metrics | undefined };
}

export async function acknowledgeCanaryByReply(
  deps: CanaryReplyDeps,
  input: { tenantId: string; runId: string; who: string; via: CanaryAckChannel },
): Promise<InboundOutcome> {
  const result = await acknowledgeCanaryRun(
    { store: deps.store, clock: deps.clock, metrics: deps.notify.metrics },
    { tenantId: input.tenantId, runId: input.runId, by: input.who, via: input.via },
  );
  switch (result.outcome) {
    case 'acknowledged':
      return { kind: 'canary-acknowledged' };
    case 'already':
      return { kind: 'canary-already' };
    case 'late':
      return { kind: 'canary-late' };
    case 'unknown':
      return { kind: 'nothing-to-acknowledge' };
  }
}

/**
 * A text reply whose newest message was a canary test page. It answers the canary, unless that was
 * already acknowledged and an alarm page went to the same address before it: then the reply is the
 * alarm's (`alarmPage`), so a canary never shadows an alarm that still waits for its "OK".
 */
export async function answerCanaryReply(
  deps: CanaryReplyDeps,
  input: {
    tenantId: string;
    runId: string;
    text: string;
    who: string;
    via: CanaryAckChannel;
    alarmPage: () => Promise<PagedAlarms | null>;
  },
): Promise<{ outcome: InboundOutcome } | { alarmPage: PagedAlarms }> {
  if (!isAckReply(input.text)) return { outcome: { kind: 'canary-help' } };
  const outcome = await acknowledgeCanaryByReply(deps, input);
  if (outcome.kind !== 'canary-already') return { outcome };
  const alarmPage = await input.alarmPage();
  return alarmPage ? { alarmPage } : { outcome };
}
