// EscalationWorld over the config store: each call is one tenant transaction under row-level
// security. The composition roots (local runtime, AWS Lambdas) build the escalation steps on this.
import type { Alarm, AlarmRule } from '@plantwatch/shared';
import type { AccountRepositories } from '../accounts/ports.ts';
import { readAlarmRuleState, toAlarms } from '../alarms/alarms.ts';
import type { AlarmRepositories } from '../alarms/ports.ts';
import type { AreaRepositories } from '../assets/area-ports.ts';
import { alarmAssetPath } from '../assets/area-rules.ts';
import { type AlarmPlace, describeLimit, describeLimitInEveryLanguage } from '../notify/alarm-text.ts';
import type { NotifyRepositories } from '../notify/repositories.ts';
import type { PeopleRepositories } from '../people/ports.ts';
import type { PlantRepositories } from '../plant/ports.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import { contactsOutsideAlarm } from './area-skips.ts';
import type { EscalationRepositories } from './ports.ts';
import { resolveLevel } from './recipients.ts';
import type { EscalationWorld } from './steps.ts';

/**
 * What the escalation chain reads and writes: its runs, the alarm it pages for and where it is (site,
 * device, tag, the tenant's time zone), who to page, what was sent.
 */
export type EscalationWorldRepositories = EscalationRepositories &
  Pick<AlarmRepositories, 'alarmRules' | 'alarmStates'> &
  Pick<PlantRepositories, 'sites' | 'gateways' | 'devices' | 'tags'> &
  Pick<AccountRepositories, 'tenant' | 'users'> &
  Partial<AreaRepositories> &
  PeopleRepositories &
  Pick<NotifyRepositories, 'notifications'>;

/** Site, device (or gateway, for a gateway's communication loss), tag, unit and the limit, for the page. */
async function alarmPlace(
  repos: EscalationWorldRepositories,
  rule: AlarmRule,
  alarm: Alarm,
): Promise<AlarmPlace> {
  const [site, tag, tenant, areas] = await Promise.all([
    repos.sites.get(rule.siteId),
    rule.tagId ? repos.tags.get(rule.tagId) : null,
    repos.tenant.get(),
    repos.areas?.ofAlarm(rule) ?? null,
  ]);
  const deviceId = tag?.deviceId ?? (rule.kind === 'commLoss' ? rule.deviceId : null);
  const device = deviceId ? await repos.devices.get(deviceId) : null;
  const gateway = !device && rule.kind === 'commLoss' ? await repos.gateways.get(rule.gatewayId) : null;
  const unit = tag?.unit ? tag.unit : null;
  return {
    siteName: site?.name ?? null,
    deviceName: device?.name ?? (gateway ? `gateway ${gateway.name}` : null),
    tagName: tag?.name ?? null,
    unit,
    limit: describeLimit(rule, alarm.level, unit),
    limitByLanguage: describeLimitInEveryLanguage(rule, alarm.level, unit),
    timeZone: tenant.timeZone,
    assetPath: areas ? alarmAssetPath(areas) : null,
  };
}

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
        if (!alarm) return { found: 'alarm-gone' as const };
        return { found: 'alarm' as const, alarm, place: await alarmPlace(repos, rule, alarm) };
      }),
    recipients: (tenantId, level, at, alarm) =>
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
        const outside = alarm ? await contactsOutsideAlarm(repos, alarm) : new Map<string, string>();
        return {
          recipients: resolved.recipients.filter((recipient) => !outside.has(recipient.contactId)),
          unresolved: [
            ...resolved.unresolved.map(
              (entry) =>
                `target ${entry.index + 1} ${entry.reason}${entry.contactId ? ` (${entry.contactId})` : ''}`,
            ),
            ...resolved.recipients.flatMap((recipient) => {
              const why = outside.get(recipient.contactId);
              return why ? [`${recipient.name} (${recipient.contactId}) not paged: ${why}`] : [];
            }),
          ],
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
