// Alarm rules, the current alarms and their journal. Every lookup is tenant-scoped by the store
// and site-scoped here; a rule, tag, device or gateway outside either scope is "not found".
import {
  type AcknowledgeAlarm,
  type Alarm,
  type AlarmEvent,
  type AlarmRule,
  type CommentAlarm,
  type CreateAlarmRule,
  createAlarmRuleSchema,
  InvalidInputError,
  type ListAlarmsQuery,
  MAX_SHELVE_MINUTES,
  NotFoundError,
  type RemoveAlarmFromService,
  type ReturnAlarmToService,
  type ShelveAlarm,
  type UnshelveAlarm,
  type UpdateAlarmRule,
} from '@plantwatch/shared';
import type { DerivedTagRepositories } from '../derived-tags/ports.ts';
import { checkEscalationPolicyReference } from '../people/people.ts';
import type { PeopleRepositories } from '../people/ports.ts';
import type { PlantRepositories } from '../plant/ports.ts';
import type { ChangeFeed } from '../platform/changes.ts';
import type { Clock } from '../platform/clock.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import { canSeeSite, type Principal, requireRole } from '../platform/principal.ts';
import { hasClearedAlarm, severityOrder, toAlarms } from './alarm-view.ts';
import { areaRuleFilter } from './area-filter.ts';
import type { AlarmCurveRepositories } from './curve-ports.ts';
import type { EscalationDispatcher } from './dispatcher.ts';
import {
  type AlarmActor,
  type AlarmChannel,
  type AlarmEngineResult,
  type AlarmKey,
  AlarmOperationError,
  type AlarmRuleState,
  acknowledge,
  addComment,
  alarmKeys,
  type OperatorAction,
  removeFromService,
  returnToService,
  shelve,
  unshelve,
} from './engine.ts';
import { alarmIdOf, loadStates } from './journal.ts';
import type { AlarmRepositories, AssetScopeRepositories } from './ports.ts';
import { resolveTarget, toRecord, withCurve } from './rule-targets.ts';
import type { AlarmStateCache } from './state-cache.ts';
import { runAlarmWork } from './unit-of-work.ts';

/** What the alarm use-cases reach: their own tables, the plant they watch, the policies they page. */
export type AlarmStoreRepositories = AlarmRepositories &
  Partial<AssetScopeRepositories> &
  Pick<PlantRepositories, 'tags' | 'devices' | 'gateways'> &
  Partial<Pick<DerivedTagRepositories, 'derivedTags'>> &
  Partial<AlarmCurveRepositories> &
  Pick<PeopleRepositories, 'escalationPolicies'>;

/** The ports the alarm use-cases run on. */
export interface AlarmDeps {
  store: TenantStore<AlarmStoreRepositories>;
  ids: IdGenerator;
  clock: Clock;
  /** Delivers the escalation intents an action records (a chain to stop on acknowledgement). */
  dispatcher?: EscalationDispatcher | undefined;
  /**
   * What changed, published after commit and followed by the live streams (ADR 0028); absent where the
   * runtime cannot push (the streams then answer one snapshot and the client asks again).
   */
  changes?: ChangeFeed | undefined;
  /**
   * Ingest's alarm states in memory (ADR 0034, 0047): an action made here updates them after commit,
   * so a runtime that writes bookkeeping behind never decides from a state an operator changed.
   */
  states?: AlarmStateCache | undefined;
}

export { toAlarms } from './alarm-view.ts';
export { alarmIdOf, readAlarmRuleState } from './journal.ts';

type Scoped<T> = (repos: AlarmStoreRepositories) => Promise<T>;
const inTenant = <T>(deps: Pick<AlarmDeps, 'store'>, principal: Principal, work: Scoped<T>) =>
  deps.store.inTenant(principal.tenantId, work);

async function ruleOr404(
  repos: AlarmStoreRepositories,
  principal: Principal,
  ruleId: string,
): Promise<AlarmRule> {
  const rule = await repos.alarmRules.get(ruleId);
  if (
    !rule ||
    !canSeeSite(principal, rule.siteId) ||
    !((await areaRuleFilter(repos, principal))?.(rule) ?? true)
  )
    throw new NotFoundError('alarm rule not found');
  return rule;
}

export const listAlarmRules = (
  deps: AlarmDeps,
  principal: Principal,
  filter: { siteId?: string | undefined },
) =>
  inTenant(deps, principal, async (repos) => {
    const inAreas = await areaRuleFilter(repos, principal);
    const rules = await repos.alarmRules.list({
      ...(filter.siteId ? { siteId: filter.siteId } : {}),
      scope: principal.siteIds,
    });
    return inAreas ? rules.filter(inAreas) : rules;
  });

export const getAlarmRule = (deps: AlarmDeps, principal: Principal, ruleId: string) =>
  inTenant(deps, principal, (repos) => ruleOr404(repos, principal, ruleId));

/** After a rule's change commits: ingest's in-memory decisions read the site's rules again (ADR 0047). */
function rulesChanged<T extends { siteId: string }>(deps: AlarmDeps, principal: Principal, rule: T): T {
  deps.states?.forgetSiteRules(principal.tenantId, rule.siteId);
  return rule;
}

export const createAlarmRule = async (deps: AlarmDeps, principal: Principal, input: CreateAlarmRule) =>
  rulesChanged(
    deps,
    principal,
    await inTenant(deps, principal, async (repos) => {
      const target = await resolveTarget(repos, principal, input);
      await checkEscalationPolicyReference(repos, input.escalationPolicyId);
      return repos.alarmRules.create(toRecord(deps.ids.newId(), await withCurve(repos, input), target));
    }),
  );

/** Applies the patch, then checks the whole rule again: a patch may not add fields of another kind. */
export const updateAlarmRule = async (
  deps: AlarmDeps,
  principal: Principal,
  ruleId: string,
  patch: UpdateAlarmRule,
) => rulesChanged(deps, principal, await replaceAlarmRule(deps, principal, ruleId, patch));

const replaceAlarmRule = (deps: AlarmDeps, principal: Principal, ruleId: string, patch: UpdateAlarmRule) =>
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
    if (rule.kind === 'curve') {
      // New points make the rule's own curve; otherwise a template's points are read again from it.
      if (patch.points !== undefined) asInput.curveId = null;
      else if (asInput.curveId !== null) delete asInput.points;
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
    await checkEscalationPolicyReference(repos, checked.data.escalationPolicyId);
    const replaced = await repos.alarmRules.replace(
      toRecord(rule.id, await withCurve(repos, checked.data), target),
    );
    if (!replaced) throw new NotFoundError('alarm rule not found');
    return replaced;
  });

export const deleteAlarmRule = async (deps: AlarmDeps, principal: Principal, ruleId: string) => {
  rulesChanged(
    deps,
    principal,
    await inTenant(deps, principal, async (repos) => {
      const rule = await ruleOr404(repos, principal, ruleId);
      await repos.alarmRules.remove(ruleId);
      return rule;
    }),
  );
};

// --- alarms ---

const DAY_MS = 86_400_000;

/**
 * The current alarms, filtered. Most severe first, then most recently changed. A rule or site the
 * caller cannot see simply contributes nothing.
 */
export const listAlarms = (
  deps: Pick<AlarmDeps, 'clock'> & {
    /** The asset filter reads the hierarchy; callers that never filter by asset need not reach it. */
    store: TenantStore<AlarmStoreRepositories & Partial<AssetScopeRepositories>>;
  },
  principal: Principal,
  query: Omit<ListAlarmsQuery, 'status' | 'limit'> & Partial<Pick<ListAlarmsQuery, 'status' | 'limit'>>,
) =>
  deps.store.inTenant(principal.tenantId, async (repos) => {
    // an asset's subtree: the rules on the tags its measurements read, and those made for it
    if (query.assetId !== undefined && !repos.assetScopes)
      throw new Error('listAlarms: composition gave no asset scopes for the assetId filter');
    const asset = query.assetId === undefined ? null : await repos.assetScopes?.under(query.assetId);
    if (query.assetId !== undefined && (!asset || !canSeeSite(principal, asset.siteId)))
      throw new NotFoundError('asset not found');
    const underAsset = asset && {
      tagIds: new Set(asset.tagIds),
      ruleIds: new Set(asset.ruleIds),
    };
    const inAreas = await areaRuleFilter(repos, principal);
    const rules = (
      await repos.alarmRules.list({
        ...(query.siteId ? { siteId: query.siteId } : {}),
        scope: principal.siteIds,
      })
    ).filter(
      (rule) =>
        (query.ruleId === undefined || rule.id === query.ruleId) &&
        (!inAreas || inAreas(rule)) &&
        (!underAsset ||
          underAsset.ruleIds.has(rule.id) ||
          (rule.tagId !== null && underAsset.tagIds.has(rule.tagId))),
    );
    const states = await loadStates(repos, rules, { lock: false });
    const cleared = await repos.alarmEvents.lastAtByAlarm({
      ruleIds: rules.filter((rule) => hasClearedAlarm(states.get(rule.id)?.state)).map((rule) => rule.id),
      kind: 'cleared',
    });
    let alarms = rules.flatMap((rule) => {
      const loaded = states.get(rule.id);
      return loaded ? toAlarms(rule, loaded.state, loaded.updatedAt, cleared) : [];
    });
    const status = query.status ?? 'active';
    if (status === 'history' || query.from !== undefined || query.to !== undefined) {
      const now = deps.clock.now().getTime();
      const to = query.to === undefined ? new Date(now + 1) : new Date(query.to);
      const from =
        query.from === undefined
          ? new Date(status === 'history' ? to.getTime() - DAY_MS : 0)
          : new Date(query.from);
      const touched = new Set(await repos.alarmEvents.alarmIdsBetween({ from, to }));
      alarms = alarms.filter((alarm) => touched.has(alarm.id));
    }
    return alarms
      .filter(
        (alarm) =>
          (status !== 'active' || alarm.state !== 'normal') &&
          (query.state === undefined || alarm.state === query.state) &&
          (query.severity === undefined || alarm.severity === query.severity) &&
          (query.shelved === undefined || alarm.shelved === query.shelved) &&
          (query.outOfService === undefined || alarm.outOfService === query.outOfService),
      )
      .sort(
        (a, b) =>
          severityOrder.indexOf(a.severity) - severityOrder.indexOf(b.severity) ||
          b.updatedAt.localeCompare(a.updatedAt),
      )
      .slice(0, query.limit ?? 500);
  });

export const listAlarmEvents = (deps: AlarmDeps, principal: Principal, ruleId: string, limit: number) =>
  inTenant(deps, principal, async (repos) => {
    await ruleOr404(repos, principal, ruleId);
    return repos.alarmEvents.list({ ruleId }, limit);
  });

/** The ports an operator action needs: a subset of AlarmDeps, so the notification side can call it too. */
export type AlarmActionDeps = Pick<
  AlarmDeps,
  'store' | 'ids' | 'clock' | 'dispatcher' | 'changes' | 'states'
>;

export interface AlarmActionResult {
  alarms: Alarm[];
  events: AlarmEvent[];
}

/**
 * One operator action on one rule's alarms, under the rule's lock: read the state, let the engine act,
 * record the state and the journal entries; after commit, start or stop escalation chains.
 */
async function actOnRule(
  deps: AlarmActionDeps,
  tenantId: string,
  find: (repos: AlarmStoreRepositories) => Promise<AlarmRule>,
  act: (rule: AlarmRule, state: AlarmRuleState, at: number) => AlarmEngineResult,
): Promise<AlarmActionResult> {
  let cleared = new Map<string, Date>();
  return runAlarmWork(deps, tenantId, {
    select: async (repos) => {
      const rule = await find(repos);
      cleared = await repos.alarmEvents.lastAtByAlarm({ ruleIds: [rule.id], kind: 'cleared' });
      return [rule];
    },
    decide: (rules, states, now) =>
      rules.map((rule) => {
        const loaded = states.get(rule.id);
        if (!loaded) throw new Error(`no state loaded for rule ${rule.id}`);
        try {
          return { rule, result: act(rule, loaded.state, now.getTime()) };
        } catch (error) {
          if (error instanceof AlarmOperationError)
            throw new InvalidInputError(error.message, { cause: error });
          throw error;
        }
      }),
    result: (recorded, now) => ({
      alarms: recorded.flatMap((entry) => {
        for (const event of entry.events) {
          if (event.kind === 'cleared') cleared.set(event.alarmId, new Date(event.at));
        }
        return toAlarms(
          entry.rule,
          entry.result.state,
          entry.written ? now : entry.before.updatedAt,
          cleared,
        );
      }),
      events: recorded.flatMap((entry) => entry.events),
    }),
  });
}

/** Who acted and through which channel: a signed-in user through the web app, or an API key. */
function actorOf(principal: Principal): { by: AlarmActor; channel: AlarmChannel } {
  if (principal.userId) return { by: { type: 'user', id: principal.userId }, channel: 'web' };
  return {
    by: { type: 'apiKey', ...(principal.apiKeyId ? { id: principal.apiKeyId } : {}) },
    channel: 'api',
  };
}

function operatorAction(
  principal: Principal,
  at: number,
  input: { comment?: string | undefined; level?: OperatorAction['level'] },
): OperatorAction {
  return {
    at,
    ...actorOf(principal),
    ...(input.comment ? { comment: input.comment } : {}),
    ...(input.level ? { level: input.level } : {}),
  };
}

const actAs = (
  deps: AlarmActionDeps,
  principal: Principal,
  ruleId: string,
  act: (rule: AlarmRule, state: AlarmRuleState, at: number) => AlarmEngineResult,
) => actOnRule(deps, principal.tenantId, (repos) => ruleOr404(repos, principal, ruleId), act);

/** Acknowledging an acknowledged alarm records nothing, so the same ack by SMS and web is harmless. */
export const acknowledgeAlarm = (
  deps: AlarmActionDeps,
  principal: Principal,
  ruleId: string,
  input: AcknowledgeAlarm,
) =>
  actAs(deps, principal, ruleId, (rule, state, at) =>
    acknowledge(rule, state, operatorAction(principal, at, input)),
  );

/** Operators may shelve for up to a shift; longer (up to a week) is an engineer's decision. */
export const OPERATOR_MAX_SHELVE_MINUTES = 12 * 60;

export const shelveAlarm = (
  deps: AlarmActionDeps,
  principal: Principal,
  ruleId: string,
  input: ShelveAlarm,
) =>
  actAs(deps, principal, ruleId, (rule, state, at) => {
    const until = input.until === undefined ? at + (input.minutes ?? 0) * 60_000 : Date.parse(input.until);
    if (!(until > at)) {
      throw new InvalidInputError('until: must be in the future', { details: { field: 'until' } });
    }
    if (until - at > MAX_SHELVE_MINUTES * 60_000) {
      throw new InvalidInputError(`until: must be at most ${MAX_SHELVE_MINUTES} minutes (a week) from now`, {
        details: { field: 'until' },
      });
    }
    if (until - at > OPERATOR_MAX_SHELVE_MINUTES * 60_000) requireRole(principal, 'engineer');
    return shelve(rule, state, {
      ...operatorAction(principal, at, { ...input, comment: input.reason }),
      until,
    });
  });

export const unshelveAlarm = (
  deps: AlarmActionDeps,
  principal: Principal,
  ruleId: string,
  input: UnshelveAlarm,
) =>
  actAs(deps, principal, ruleId, (rule, state, at) =>
    unshelve(rule, state, operatorAction(principal, at, input)),
  );

export const commentOnAlarm = (
  deps: AlarmActionDeps,
  principal: Principal,
  ruleId: string,
  input: CommentAlarm,
) =>
  actAs(deps, principal, ruleId, (rule, state, at) =>
    addComment(rule, state, { ...operatorAction(principal, at, input), comment: input.comment }),
  );

export const removeAlarmFromService = (
  deps: AlarmActionDeps,
  principal: Principal,
  ruleId: string,
  input: RemoveAlarmFromService,
) =>
  actAs(deps, principal, ruleId, (rule, state, at) =>
    removeFromService(rule, state, operatorAction(principal, at, { ...input, comment: input.reason })),
  );

export const returnAlarmToService = (
  deps: AlarmActionDeps,
  principal: Principal,
  ruleId: string,
  input: ReturnAlarmToService,
) =>
  actAs(deps, principal, ruleId, (rule, state, at) =>
    returnToService(rule, state, operatorAction(principal, at, input)),
  );

/** Which rule and key an alarm id names (ids are derived, so the tenant's rules are searched). */
async function findAlarm(
  repos: AlarmStoreRepositories,
  alarmId: string,
): Promise<{ rule: AlarmRule; key: AlarmKey } | null> {
  for (const rule of await repos.alarmRules.list({ scope: null })) {
    const key = alarmKeys(rule).find((candidate) => alarmIdOf(rule.id, candidate) === alarmId);
    if (key !== undefined) return { rule, key };
  }
  return null;
}

/**
 * Acknowledges one alarm on behalf of someone reached outside the web app: a contact replying to an
 * SMS, pressing 1 on a call, or following an e-mail link. `changed` is false when there was nothing
 * to acknowledge (already acknowledged, or back to normal), so acknowledging twice is harmless.
 * NotFoundError when the tenant has no such alarm.
 */
export async function acknowledgeAlarmAs(
  deps: AlarmActionDeps,
  request: {
    tenantId: string;
    alarmId: string;
    actor: AlarmActor;
    channel: AlarmChannel;
    comment?: string;
  },
): Promise<{ changed: boolean; alarm: Alarm; events: AlarmEvent[] }> {
  let key: AlarmKey = 'alarm';
  const result = await actOnRule(
    deps,
    request.tenantId,
    async (repos) => {
      const found = await findAlarm(repos, request.alarmId);
      if (!found) throw new NotFoundError('alarm not found');
      key = found.key;
      return found.rule;
    },
    (rule, state, at) =>
      acknowledge(rule, state, {
        at,
        by: request.actor,
        channel: request.channel,
        ...(request.comment ? { comment: request.comment } : {}),
        ...(key === 'alarm' ? {} : { level: key }),
      }),
  );
  const alarm = result.alarms.find((candidate) => candidate.id === request.alarmId);
  if (!alarm) throw new NotFoundError('alarm not found');
  return { changed: result.events.length > 0, alarm, events: result.events };
}
