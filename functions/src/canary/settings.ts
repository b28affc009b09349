// The tenant canary's API use-cases: its settings (admin), the run history (viewer), acknowledging a
// run from the web app or an API client (operator) and a test page sent now (admin).
import {
  ALL_DAYS_OF_WEEK,
  type CanaryAckResult,
  type CanaryRun,
  type CanaryRunsQuery,
  type CanarySettings,
  ConflictError,
  DEFAULT_CANARY_ACK_MINUTES,
  InvalidInputError,
  isReachable,
  NotFoundError,
  type UpdateCanarySettings,
} from '@plantwatch/shared';
import type { IdGenerator } from '../platform/id-generator.ts';
import type { Principal } from '../platform/principal.ts';
import type { CanarySettingsRecord } from './ports.ts';
import { acknowledgeCanaryRun, type CanaryRunDeps, sendCanaryRun, toCanaryRun } from './runs.ts';
import { nextCanarySlot } from './schedule.ts';

/** The ports the canary's routes run on. */
export interface CanaryDeps extends CanaryRunDeps {
  ids: IdGenerator;
}

const invalid = (field: string, message: string) =>
  new InvalidInputError(`${field}: ${message}`, { details: { field } });

function toSettings(record: CanarySettingsRecord | null, tenantZone: string): CanarySettings {
  if (!record) {
    return {
      enabled: false,
      contactId: null,
      at: '08:00',
      days: [...ALL_DAYS_OF_WEEK],
      timeZone: tenantZone,
      ackWithinMinutes: DEFAULT_CANARY_ACK_MINUTES,
      notifyAdmins: true,
      nextDueAt: null,
      updatedAt: null,
    };
  }
  return {
    enabled: record.enabled,
    contactId: record.contactId,
    at: record.at,
    days: record.days,
    timeZone: record.timeZone,
    ackWithinMinutes: record.ackWithinMinutes,
    notifyAdmins: record.notifyAdmins,
    nextDueAt: record.nextDueAt?.toISOString() ?? null,
    updatedAt: record.updatedAt.toISOString(),
  };
}

export const getCanarySettings = (deps: CanaryDeps, principal: Principal): Promise<CanarySettings> =>
  deps.store.inTenant(principal.tenantId, async (repos) =>
    toSettings(await repos.canarySettings.get(), (await repos.tenant.get()).timeZone),
  );

/**
 * Replaces the settings. The contact must exist and have a channel a page can reach (422 naming
 * contactId otherwise). The schedule counts from now: a slot earlier today is not sent.
 */
export async function putCanarySettings(
  deps: CanaryDeps,
  principal: Principal,
  input: UpdateCanarySettings,
): Promise<CanarySettings> {
  const now = deps.clock.now();
  return deps.store.inTenant(principal.tenantId, async (repos) => {
    const contact = await repos.contacts.get(input.contactId);
    if (!contact) throw invalid('contactId', `no contact ${input.contactId} in this tenant`);
    if (!contact.channels.some(isReachable)) {
      throw invalid(
        'contactId',
        `${contact.name} has no channel a page can reach (a Telegram channel must be linked first)`,
      );
    }
    const tenant = await repos.tenant.get();
    const schedule = { at: input.at, days: input.days, timeZone: input.timeZone ?? tenant.timeZone };
    const saved = await repos.canarySettings.put(
      {
        enabled: input.enabled,
        contactId: contact.id,
        ...schedule,
        ackWithinMinutes: input.ackWithinMinutes,
        notifyAdmins: input.notifyAdmins,
        lastSlotAt: now,
        nextDueAt: input.enabled ? nextCanarySlot(schedule, now) : null,
      },
      now,
    );
    return toSettings(saved, tenant.timeZone);
  });
}

export const listCanaryRuns = (
  deps: CanaryDeps,
  principal: Principal,
  query: CanaryRunsQuery,
): Promise<CanaryRun[]> =>
  deps.store.inTenant(principal.tenantId, async (repos) =>
    (await repos.canaryRuns.list(query)).map(toCanaryRun),
  );

/** Acknowledged from the web app (a signed-in user) or by an API key; 404 for an unknown run. */
export async function acknowledgeCanaryAs(
  deps: CanaryDeps,
  principal: Principal,
  runId: string,
): Promise<CanaryAckResult> {
  const user = principal.userId
    ? await deps.store.inTenant(principal.tenantId, (repos) => repos.users.get(principal.userId ?? ''))
    : null;
  const result = await acknowledgeCanaryRun(deps, {
    tenantId: principal.tenantId,
    runId,
    by: user ? `${user.name} <${user.email}>` : `API key ${principal.apiKeyId ?? ''}`.trim(),
    via: principal.userId ? 'web' : 'api',
  });
  if (result.outcome === 'unknown') throw new NotFoundError('canary run not found');
  return { outcome: result.outcome, run: toCanaryRun(result.run) };
}

/**
 * A test page now, to the canary's contact, with the same deadline and the same verdict as a
 * scheduled one (it counts in the history and the metrics; a miss tells the admins too).
 */
export async function sendCanaryNow(deps: CanaryDeps, principal: Principal): Promise<CanaryRun> {
  const now = deps.clock.now();
  const created = await deps.store.inTenant(principal.tenantId, async (repos) => {
    const settings = await repos.canarySettings.get();
    if (!settings) throw invalid('contactId', 'set the canary up first (PUT /v1/settings/canary)');
    const contact = await repos.contacts.get(settings.contactId);
    if (!contact) throw invalid('contactId', `the canary's contact ${settings.contactId} no longer exists`);
    const run = await repos.canaryRuns.insertIfAbsent({
      id: deps.ids.newId(),
      slotAt: now,
      trigger: 'manual',
      contactId: contact.id,
      contactName: contact.name,
      dueBy: new Date(now.getTime() + settings.ackWithinMinutes * 60_000),
      nextAttemptAt: now,
      createdAt: now,
    });
    if (!run) throw new ConflictError('a canary test page was asked for at this very instant; try again');
    return run;
  });
  const after = await sendCanaryRun(deps, principal.tenantId, created.id);
  return toCanaryRun(after ?? created);
}
