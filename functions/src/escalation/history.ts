// The history of a rule's escalation chains, as an operator reads it the morning after: was a chain
// asked for, did it start (and after how many attempts), who was paged at which level, by which
// channel, whether the message went out, and why the chain stopped.
import { type EscalationChain, escalationExecutionName, NotFoundError } from '@plantwatch/shared';
import { areaRuleFilter } from '../alarms/area-filter.ts';
import type { AlarmRepositories, AssetScopeRepositories, EscalationIntent } from '../alarms/ports.ts';
import type { NotifyRepositories } from '../notify/repositories.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import { canSeeSite, type Principal } from '../platform/principal.ts';
import type { EscalationRepositories } from './ports.ts';

export interface EscalationHistoryDeps {
  store: TenantStore<
    Pick<AlarmRepositories, 'alarmRules' | 'escalationIntents'> &
      Partial<AssetScopeRepositories> &
      EscalationRepositories &
      Pick<NotifyRepositories, 'notifications'>
  >;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

const intentView = (intent: EscalationIntent) => ({
  state: intent.state,
  attempts: intent.attempts,
  lastError: intent.lastError,
  recordedAt: intent.createdAt.toISOString(),
  deliveredAt: iso(intent.deliveredAt),
});

/** `…:r<round>:l<level>:…` in a page's idempotency key (escalation/steps.ts notificationKey). */
function stepOf(idempotencyKey: string): { round: number | null; level: number | null } {
  const match = /:r(\d+):l(\d+):/.exec(idempotencyKey);
  return match ? { round: Number(match[1]), level: Number(match[2]) + 1 } : { round: null, level: null };
}

/** Newest first, at most `limit` chains. */
export async function listEscalationChains(
  deps: EscalationHistoryDeps,
  principal: Principal,
  ruleId: string,
  limit: number,
): Promise<EscalationChain[]> {
  return deps.store.inTenant(principal.tenantId, async (repos) => {
    const rule = await repos.alarmRules.get(ruleId);
    const inAreas = await areaRuleFilter(repos, principal);
    if (!rule || !canSeeSite(principal, rule.siteId) || (inAreas && !inAreas(rule)))
      throw new NotFoundError('alarm rule not found');
    const intents = await repos.escalationIntents.listForRule(ruleId, limit * 4);
    const starts = intents.filter((intent) => intent.kind === 'start').slice(0, limit);
    const chains: EscalationChain[] = [];
    for (const start of starts) {
      const executionName = escalationExecutionName(start.alarmEventId);
      const run = await repos.escalations.get(executionName);
      // The stop that came after this start for the same alarm (before the alarm's next start).
      const stop = intents
        .filter(
          (intent) => intent.kind === 'stop' && intent.alarmId === start.alarmId && intent.seq > start.seq,
        )
        .filter(
          (intent) =>
            !starts.some(
              (other) => other.alarmId === start.alarmId && other.seq > start.seq && other.seq < intent.seq,
            ),
        )
        .at(-1);
      const messages = run
        ? (await repos.notifications.list({ alarmId: start.alarmId, limit: 200 })).filter((message) =>
            message.idempotencyKey.startsWith(`${executionName}:`),
          )
        : [];
      chains.push({
        alarmId: start.alarmId,
        alarmEventId: start.alarmEventId,
        policyId: start.policyId,
        start: intentView(start),
        run: run
          ? {
              executionName,
              status: run.status,
              round: run.round,
              level: run.level === null ? null : run.level + 1,
              startedAt: run.startedAt.toISOString(),
              endedAt: iso(run.endedAt),
              reason: run.reason,
            }
          : null,
        stop: stop ? { ...intentView(stop), reason: stop.reason } : null,
        pages: messages
          .map((message) => ({
            at: (message.sentAt ?? message.createdAt).toISOString(),
            contactId: message.contactId,
            channel: message.channel,
            recipient: message.recipient,
            status: message.status,
            error: message.error,
            ...stepOf(message.idempotencyKey),
          }))
          .sort((a, b) => a.at.localeCompare(b.at)),
      });
    }
    return chains;
  });
}
