// Alarm rules, the current alarms and their journal. Every lookup is tenant-scoped by the store
// and site-scoped here; a rule, tag, device or gateway outside either scope is "not found".
import { createHash } from 'node:crypto';
import {
  type AcknowledgeAlarm,
  type Alarm,
  type AlarmEvent,
  type AlarmRule,
  type AlarmRuleRecord,
  type CreateAlarmRule,
  createAlarmRuleSchema,
  InvalidInputError,
  NotFoundError,
  type TenantRepositories,
  type UpdateAlarmRule,
} from '@plantwatch/shared';
import {
  type AlarmKey,
  type AlarmRuleState,
  acknowledge,
  alarmKeys,
  alarmRuleStateSchema,
  initialAlarmRuleState,
  toAlarmEvent,
} from '../alarms/engine.ts';
import type { ApiDeps } from './deps.ts';
import { canSeeSite, type Principal } from './principal.ts';

type Scoped<T> = (repos: TenantRepositories) => Promise<T>;
const inTenant = <T>(deps: ApiDeps, principal: Principal, work: Scoped<T>) =>
  deps.store.inTenant(principal.tenantId, work);

/**
 * One alarm is a rule and a key (a limit-stack level, or "alarm"): its id is derived from both, so
 * every instance and every process names the same alarm the same way without storing a row for it.
 */
export function alarmIdOf(ruleId: string, key: AlarmKey): string {
  const hex = createHash('sha256').update(`${ruleId}:${key}`).digest('hex');
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

async function ruleOr404(
  repos: TenantRepositories,
  principal: Principal,
  ruleId: string,
): Promise<AlarmRule> {
  const rule = await repos.alarmRules.get(ruleId);
  if (!rule || !canSeeSite(principal, rule.siteId)) throw new NotFoundError('alarm rule not found');
  return rule;
}

/** Where a rule sits and what it watches, checked against what the caller may see. */
async function resolveTarget(
  repos: TenantRepositories,
  principal: Principal,
  input: CreateAlarmRule,
): Promise<{ siteId: string; tagId: string | null; deviceId?: string | null; gatewayId?: string }> {
  if (input.kind !== 'commLoss') {
    const tag = await repos.tags.get(input.tagId);
    if (!tag || !canSeeSite(principal, tag.siteId)) throw new NotFoundError('tag not found');
    return { siteId: tag.siteId, tagId: tag.id };
  }
  if (input.scope === 'device') {
    const device = input.deviceId ? await repos.devices.get(input.deviceId) : null;
    if (!device || !canSeeSite(principal, device.siteId)) throw new NotFoundError('device not found');
    return { siteId: device.siteId, tagId: null, deviceId: device.id, gatewayId: device.gatewayId };
  }
  const gateway = input.gatewayId ? await repos.gateways.get(input.gatewayId) : null;
  if (!gateway || !canSeeSite(principal, gateway.siteId)) throw new NotFoundError('gateway not found');
  return { siteId: gateway.siteId, tagId: null, deviceId: null, gatewayId: gateway.id };
}

function toRecord(id: string, input: CreateAlarmRule, target: Awaited<ReturnType<typeof resolveTarget>>) {
  return {
    ...input,
    ...target,
    id,
  } as AlarmRuleRecord;
}

export const listAlarmRules = (
  deps: ApiDeps,
  principal: Principal,
  filter: { siteId?: string | undefined },
) =>
  inTenant(deps, principal, (repos) =>
    repos.alarmRules.list({
      ...(filter.siteId ? { siteId: filter.siteId } : {}),
      scope: principal.siteIds,
    }),
  );

export const getAlarmRule = (deps: ApiDeps, principal: Principal, ruleId: string) =>
  inTenant(deps, principal, (repos) => ruleOr404(repos, principal, ruleId));

export const createAlarmRule = (deps: ApiDeps, principal: Principal, input: CreateAlarmRule) =>
  inTenant(deps, principal, async (repos) => {
    const target = await resolveTarget(repos, principal, input);
    return repos.alarmRules.create(toRecord(deps.ids.newId(), input, target));
  });

/** Applies the patch, then checks the whole rule again: a patch may not add fields of another kind. */
export const updateAlarmRule = (
  deps: ApiDeps,
  principal: Principal,
  ruleId: string,
  patch: UpdateAlarmRule,
) =>
  inTenant(deps, principal, async (repos) => {
    const rule = await ruleOr404(repos, principal, ruleId);
    const {
      id: _id,
      tenantId: _tenantId,
      siteId: _siteId,
      createdAt: _createdAt,
      updatedAt: _updatedAt,
      ...current
    } = rule;
    const asInput: Record<string, unknown> = { ...current, ...patch };
    if (rule.kind === 'commLoss') {
      delete asInput.tagId;
      if (rule.scope === 'device') delete asInput.gatewayId;
      else delete asInput.deviceId;
    }
    const checked = createAlarmRuleSchema.safeParse(asInput);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new InvalidInputError(`${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`, {
        details: { field: issue?.path.join('.') ?? '' },
      });
    }
    const target =
      rule.kind === 'commLoss'
        ? { siteId: rule.siteId, tagId: null, deviceId: rule.deviceId, gatewayId: rule.gatewayId }
        : { siteId: rule.siteId, tagId: rule.tagId };
    const replaced = await repos.alarmRules.replace(toRecord(rule.id, checked.data, target));
    if (!replaced) throw new NotFoundError('alarm rule not found');
    return replaced;
  });

export const deleteAlarmRule = (deps: ApiDeps, principal: Principal, ruleId: string) =>
  inTenant(deps, principal, async (repos) => {
    await ruleOr404(repos, principal, ruleId);
    await repos.alarmRules.remove(ruleId);
  });

// --- alarms ---

export function readAlarmRuleState(rule: AlarmRule, stored: unknown): AlarmRuleState {
  if (stored === undefined) return initialAlarmRuleState(rule);
  const state = alarmRuleStateSchema.parse(stored);
  // a limit stack edited to gain a level starts that level at normal
  return {
    ...initialAlarmRuleState(rule),
    ...state,
    alarms: { ...initialAlarmRuleState(rule).alarms, ...state.alarms },
  };
}

function severityOf(rule: AlarmRule, key: AlarmKey) {
  if (rule.kind === 'limit') return rule.levels.find((entry) => entry.level === key)?.severity ?? 'high';
  return rule.severity;
}

function nameOf(rule: AlarmRule, key: AlarmKey) {
  if (rule.kind !== 'limit') return rule.name;
  const level = rule.levels.find((entry) => entry.level === key);
  return (
    level?.name ??
    `${rule.name} ${key === 'hihi' ? 'HiHi' : key === 'lolo' ? 'LoLo' : key === 'hi' ? 'Hi' : 'Lo'}`
  );
}

export function toAlarms(rule: AlarmRule, state: AlarmRuleState, updatedAt: Date | null): Alarm[] {
  return alarmKeys(rule).flatMap((key) => {
    const alarm = state.alarms[key];
    if (!alarm) return [];
    return [
      {
        id: alarmIdOf(rule.id, key),
        tenantId: rule.tenantId,
        ruleId: rule.id,
        siteId: rule.siteId,
        tagId: rule.tagId,
        level: key === 'alarm' ? null : key,
        name: nameOf(rule, key),
        severity: severityOf(rule, key),
        state: alarm.state,
        shelved: alarm.shelvedUntil !== null,
        shelvedUntil: alarm.shelvedUntil === null ? null : new Date(alarm.shelvedUntil).toISOString(),
        outOfService: alarm.outOfService,
        value: alarm.value,
        activeSince: alarm.activeSince === null ? null : new Date(alarm.activeSince).toISOString(),
        updatedAt: (updatedAt ?? new Date(rule.updatedAt)).toISOString(),
      },
    ];
  });
}

/** `active` (the default): alarms not back to normal and acknowledged; `all`: every alarm. */
export const listAlarms = (
  deps: ApiDeps,
  principal: Principal,
  filter: { status: 'active' | 'all'; siteId?: string | undefined },
) =>
  inTenant(deps, principal, async (repos) => {
    const rules = await repos.alarmRules.list({
      ...(filter.siteId ? { siteId: filter.siteId } : {}),
      scope: principal.siteIds,
    });
    const states = new Map(
      (await repos.alarmStates.list(rules.map((rule) => rule.id))).map((row) => [row.ruleId, row]),
    );
    const alarms = rules.flatMap((rule) => {
      const stored = states.get(rule.id);
      return toAlarms(rule, readAlarmRuleState(rule, stored?.state), stored?.updatedAt ?? null);
    });
    return filter.status === 'all' ? alarms : alarms.filter((alarm) => alarm.state !== 'normal');
  });

export const acknowledgeAlarm = (
  deps: ApiDeps,
  principal: Principal,
  ruleId: string,
  input: AcknowledgeAlarm,
) =>
  inTenant(deps, principal, async (repos) => {
    const rule = await ruleOr404(repos, principal, ruleId);
    const [stored] = await repos.alarmStates.list([rule.id]);
    const now = deps.clock.now();
    const result = acknowledge(rule, readAlarmRuleState(rule, stored?.state), {
      at: now.getTime(),
      by: principal.userId
        ? { type: 'user', id: principal.userId }
        : { type: 'apiKey', ...(principal.apiKeyId ? { id: principal.apiKeyId } : {}) },
      channel: principal.userId ? 'web' : 'api',
      ...(input.comment ? { comment: input.comment } : {}),
    });
    const events = result.transitions.map((transition) => ({
      ...toAlarmEvent(transition, {
        id: deps.ids.newId(),
        tenantId: principal.tenantId,
        siteId: rule.siteId,
        alarmId: alarmIdOf(rule.id, transition.key),
      }),
      alarmKey: transition.key,
    }));
    if (events.length > 0) {
      await repos.alarmStates.put(rule.id, result.state, now);
      await repos.alarmEvents.insert(events);
    }
    return {
      alarms: toAlarms(rule, result.state, events.length > 0 ? now : (stored?.updatedAt ?? null)),
      events: events.map(({ alarmKey: _alarmKey, ...event }): AlarmEvent => event),
    };
  });

export const listAlarmEvents = (deps: ApiDeps, principal: Principal, ruleId: string, limit: number) =>
  inTenant(deps, principal, async (repos) => {
    await ruleOr404(repos, principal, ruleId);
    return repos.alarmEvents.list({ ruleId }, limit);
  });
