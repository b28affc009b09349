// EscalationWorld over the config store: each call is one tenant transaction under row-level
// security. The composition roots (local runtime, AWS Lambdas) build the escalation steps on this.
import { readAlarmRuleState, toAlarms } from '../alarms/alarms.ts';
import type { AlarmRepositories } from '../alarms/ports.ts';
import type { NotifyRepositories } from '../notify/repositories.ts';
import type { PeopleRepositories } from '../people/ports.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import type { EscalationRepositories } from './ports.ts';
import { resolveLevel } from './recipients.ts';
import type { EscalationWorld } from './steps.ts';

/** What the escalation chain reads and writes: its runs, the alarm it pages for, who to page, what was sent. */
export type EscalationWorldRepositories = EscalationRepositories &
  Pick<AlarmRepositories, 'alarmRules' | 'alarmStates'> &
  PeopleRepositories &
  Pick<NotifyRepositories, 'notifications'>;

export function createConfigStoreEscalationWorld(deps: {
  store: TenantStore<EscalationWorldRepositories>;
  ids: IdGenerator;
}): EscalationWorld {
  const { store } = deps;
  return {
    ensureRun: (input, startedAt) =>
      store.inTenant(input.tenantId, async (repos) => {
        const { run } = await repos.escalations.insertIfAbsent({
          id: deps.ids.newId(),
          executionName: input.executionName,
          alarmEventId: input.alarmEventId,
          alarmId: input.alarmId,
          policyId: input.policyId,
          startedAt,
        });
        return run;
      }),
    getRun: (tenantId, executionName) =>
      store.inTenant(tenantId, (repos) => repos.escalations.get(executionName)),
    policy: (tenantId, policyId) =>
      store.inTenant(tenantId, (repos) => repos.escalationPolicies.get(policyId)),
    alarm: (tenantId, alarmEventId, alarmId) =>
      store.inTenant(tenantId, async (repos) => {
        const event = await repos.escalations.alarmEvent(alarmEventId);
        if (!event) return { found: 'event-missing' as const };
        const rule = await repos.alarmRules.get(event.ruleId);
        if (!rule) return { found: 'alarm-gone' as const };
        const [stored] = await repos.alarmStates.list([rule.id]);
        const alarm = toAlarms(rule, readAlarmRuleState(rule, stored?.state), stored?.updatedAt ?? null).find(
          (candidate) => candidate.id === alarmId,
        );
        return alarm ? { found: 'alarm' as const, alarm } : { found: 'alarm-gone' as const };
      }),
    recipients: (tenantId, level, at) =>
      store.inTenant(tenantId, async (repos) => {
        const [contacts, rotations] = await Promise.all([
          repos.contacts.list(),
          repos.onCallRotations.list(),
        ]);
        const resolved = resolveLevel(
          {
            delayMinutes: Math.round(level.delaySeconds / 60),
            targets: level.targets,
            ...(level.channels ? { channels: level.channels } : {}),
          },
          { contacts, rotations },
          at,
        );
        return {
          recipients: resolved.recipients,
          unresolved: resolved.unresolved.map(
            (entry) =>
              `target ${entry.index + 1} ${entry.reason}${entry.contactId ? ` (${entry.contactId})` : ''}`,
          ),
        };
      }),
    alreadySent: (tenantId, alarmId, keys) =>
      store.inTenant(tenantId, async (repos) => {
        const wanted = new Set(keys);
        // newest first: the keys of the step being retried are among the alarm's latest messages
        const messages = await repos.notifications.list({ alarmId, limit: 500 });
        return new Set(
          messages
            .filter((message) => wanted.has(message.idempotencyKey) && message.status !== 'failed')
            .map((message) => message.idempotencyKey),
        );
      }),
    recordProgress: async (tenantId, executionName, progress) => {
      await store.inTenant(tenantId, (repos) => repos.escalations.recordProgress(executionName, progress));
    },
    end: async (tenantId, executionName, outcome) => {
      await store.inTenant(tenantId, (repos) => repos.escalations.end(executionName, outcome));
    },
  };
}
