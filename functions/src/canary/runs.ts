// One tenant canary run, from page to verdict: send it (the contact's channels in order, retried with
// backoff until its deadline), acknowledge it (a reply, a key press, the e-mail link, the web app),
// and judge it missed when its deadline passes: counted, logged, recorded, and the admins told.
import { type CanaryAckChannel, type CanaryRun, isReachable } from '@plantwatch/shared';
import type { AccountRepositories } from '../accounts/ports.ts';
import type { Notifier } from '../notify/ports.ts';
import type { PeopleRepositories } from '../people/ports.ts';
import type { Clock } from '../platform/clock.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { Metrics } from '../platform/metrics.ts';
import { logger } from '../platform/observability.ts';
import { canaryPageText, missedCanaryText } from './messages.ts';
import type { CanaryRepositories, CanaryRunRecord } from './ports.ts';

/** What a run reaches: its own tables, the contact it pages, the tenant's name, zone and admins. */
export type CanaryRunRepositories = CanaryRepositories &
  Pick<PeopleRepositories, 'contacts'> &
  Pick<AccountRepositories, 'tenant' | 'users'>;

export interface CanaryRunDeps {
  store: TenantStore<CanaryRunRepositories>;
  notifier: Notifier;
  clock: Clock;
  metrics?: Metrics | undefined;
}

export interface CanarySendOptions {
  /** How long an attempt holds the run (another instance does not send it meanwhile). */
  leaseMs?: number;
  /** Retry n of a run no channel took waits min(baseRetryMs × 2^(n-1), maxRetryMs). */
  baseRetryMs?: number;
  maxRetryMs?: number;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The run as the API shows it. */
export function toCanaryRun(run: CanaryRunRecord): CanaryRun {
  const iso = (at: Date | null) => at?.toISOString() ?? null;
  return {
    id: run.id,
    slotAt: run.slotAt.toISOString(),
    trigger: run.trigger,
    contactId: run.contactId,
    contactName: run.contactName,
    status: run.status,
    attempts: run.attempts,
    lastError: run.lastError,
    channel: run.channel,
    recipient: run.recipient,
    notificationId: run.notificationId,
    sentAt: iso(run.sentAt),
    dueBy: run.dueBy.toISOString(),
    acknowledgedAt: iso(run.acknowledgedAt),
    acknowledgedBy: run.acknowledgedBy,
    acknowledgedVia: run.acknowledgedVia,
    ackSeconds:
      run.acknowledgedAt && run.sentAt
        ? Math.max(0, (run.acknowledgedAt.getTime() - run.sentAt.getTime()) / 1000)
        : null,
    missedReason: run.missedReason,
    adminNotice: run.adminNotice,
    createdAt: run.createdAt.toISOString(),
  };
}

/**
 * One send attempt of a pending run: the contact's reachable channels in their order, each under its
 * own idempotency key (a retried attempt never sends a channel twice), until one takes it. None: the
 * run stays pending and is tried again with backoff until its deadline. Returns the run as it is after.
 */
export async function sendCanaryRun(
  deps: CanaryRunDeps,
  tenantId: string,
  runId: string,
  options: CanarySendOptions = {},
): Promise<CanaryRunRecord | null> {
  const now = deps.clock.now();
  const claimed = await deps.store.inTenant(tenantId, async (repos) => {
    const run = await repos.canaryRuns.claimAttempt(runId, now, options.leaseMs ?? 60_000);
    if (!run) return null;
    const [contact, tenant, settings] = await Promise.all([
      repos.contacts.get(run.contactId),
      repos.tenant.get(),
      repos.canarySettings.get(),
    ]);
    return { run, contact, tenant, zone: settings?.timeZone ?? tenant.timeZone };
  });
  if (!claimed) return null;
  const { run, contact, tenant, zone } = claimed;
  if (!contact) {
    await missCanaryRun(deps, tenantId, run, 'its contact was deleted');
    return deps.store.inTenant(tenantId, (repos) => repos.canaryRuns.get(run.id));
  }
  const context = {
    tenantName: tenant.name,
    contactName: contact.name,
    dueBy: run.dueBy,
    timeZone: zone,
    ackWithinMinutes: Math.round((run.dueBy.getTime() - run.createdAt.getTime()) / 60_000),
  };
  const errors: string[] = [];
  for (const [index, channel] of contact.channels.entries()) {
    if (!isReachable(channel)) {
      errors.push(`${channel.type}: not linked yet`);
      continue;
    }
    const text = canaryPageText(context, channel.type);
    try {
      const receipt = await deps.notifier.send({
        tenantId,
        channel: channel.type,
        to: channel.address,
        ...(text.subject ? { subject: text.subject } : {}),
        body: text.body,
        contactId: contact.id,
        purpose: 'canary',
        canaryRunId: run.id,
        idempotencyKey: `canary:${run.id}:${index}-${channel.type}`,
      });
      const sent = await deps.store.inTenant(tenantId, (repos) =>
        repos.canaryRuns.markSent(run.id, {
          channel: channel.type,
          recipient: channel.address,
          notificationId: receipt.notificationId ?? null,
          at: deps.clock.now(),
        }),
      );
      deps.metrics?.increment('tenant_canaries_sent', { channel: channel.type });
      return sent;
    } catch (error) {
      errors.push(`${channel.type}: ${describe(error)}`);
    }
  }
  const wait = Math.min(
    (options.baseRetryMs ?? 15_000) * 2 ** Math.max(0, run.attempts - 1),
    options.maxRetryMs ?? 300_000,
  );
  const error = (errors.join('; ') || 'the contact has no channel').slice(0, 1000);
  const at = deps.clock.now();
  await deps.store.inTenant(tenantId, (repos) =>
    repos.canaryRuns.markAttemptFailed(run.id, { error, retryAt: new Date(at.getTime() + wait), at }),
  );
  logger.warn('tenant canary: no channel took the test page; retried with backoff until its deadline', {
    tenantId,
    runId: run.id,
    attempt: run.attempts,
    retryInMs: wait,
    error,
  });
  return deps.store.inTenant(tenantId, (repos) => repos.canaryRuns.get(run.id));
}

/**
 * A run whose deadline passed without an acknowledgement (or that cannot be sent at all): missed,
 * once, whichever instance gets there first. Counted, logged, and told to the admins by e-mail when
 * the settings say so; what came of that is recorded on the run.
 */
export async function missCanaryRun(
  deps: CanaryRunDeps,
  tenantId: string,
  run: CanaryRunRecord,
  why?: string,
): Promise<boolean> {
  const at = deps.clock.now();
  const minutes = Math.round((run.dueBy.getTime() - run.createdAt.getTime()) / 60_000);
  const within = `within ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const reason =
    why ??
    (run.status === 'sent'
      ? run.acknowledgedAt
        ? `acknowledged ${Math.round((run.acknowledgedAt.getTime() - run.dueBy.getTime()) / 60_000)} min after its deadline (${within})`
        : `not acknowledged ${within}`
      : `not delivered ${within} (${run.lastError ?? 'no channel took it'})`);
  const missed = await deps.store.inTenant(tenantId, (repos) =>
    repos.canaryRuns.markMissed(run.id, { reason, at }),
  );
  if (!missed) return false;
  deps.metrics?.increment('tenant_canaries_missed', {
    reason: run.status === 'sent' ? 'unacknowledged' : 'undelivered',
  });
  logger.warn('tenant canary missed', { tenantId, runId: run.id, contactId: run.contactId, reason });
  const notice = await tellAdmins(deps, tenantId, missed);
  await deps.store.inTenant(tenantId, (repos) =>
    repos.canaryRuns.setAdminNotice(run.id, notice, deps.clock.now()),
  );
  return true;
}

/** E-mails every active admin and owner (unless the settings say not to); what happened, in words. */
async function tellAdmins(deps: CanaryRunDeps, tenantId: string, run: CanaryRunRecord): Promise<string> {
  const { settings, tenant, admins } = await deps.store.inTenant(tenantId, async (repos) => ({
    settings: await repos.canarySettings.get(),
    tenant: await repos.tenant.get(),
    admins: (await repos.users.list()).filter(
      (user) => user.status === 'active' && (user.role === 'admin' || user.role === 'owner'),
    ),
  }));
  if (settings && !settings.notifyAdmins) return 'admins not told (notifyAdmins is off)';
  if (admins.length === 0) return 'no active admin to tell';
  const text = missedCanaryText({
    tenantName: tenant.name,
    contactName: run.contactName,
    slotAt: run.slotAt,
    timeZone: settings?.timeZone ?? tenant.timeZone,
    reason: run.missedReason ?? 'missed',
  });
  const failures: string[] = [];
  for (const admin of admins) {
    try {
      await deps.notifier.send({
        tenantId,
        channel: 'email',
        to: admin.email,
        subject: text.subject,
        body: text.body,
        purpose: 'canary-missed',
        canaryRunId: run.id,
        idempotencyKey: `canary-missed:${run.id}:${admin.id}`,
      });
    } catch (error) {
      failures.push(`${admin.email}: ${describe(error)}`);
    }
  }
  const told = admins.length - failures.length;
  const summary = `e-mailed ${told} of ${admins.length} admin(s)`;
  if (failures.length > 0) {
    logger.error('tenant canary: the admins could not all be told of a missed canary', {
      tenantId,
      runId: run.id,
      failures,
    });
    return `${summary}; failed: ${failures.join('; ')}`.slice(0, 1000);
  }
  return summary;
}

export type CanaryAckOutcome =
  | { outcome: 'acknowledged' | 'already' | 'late'; run: CanaryRunRecord }
  | { outcome: 'unknown'; run: null };

/**
 * Acknowledges a run: in time (once: a second acknowledgement is "already"), or after its deadline,
 * when it is recorded as late and the run stays (or becomes) missed.
 */
export async function acknowledgeCanaryRun(
  deps: {
    store: TenantStore<Pick<CanaryRepositories, 'canaryRuns'>>;
    clock: Clock;
    metrics?: Metrics | undefined;
  },
  input: { tenantId: string; runId: string; by: string; via: CanaryAckChannel },
): Promise<CanaryAckOutcome> {
  const at = deps.clock.now();
  const ack = { at, by: input.by.slice(0, 200), via: input.via };
  const result = await deps.store.inTenant(input.tenantId, async (repos): Promise<CanaryAckOutcome> => {
    const acknowledged = await repos.canaryRuns.acknowledge(input.runId, ack);
    if (acknowledged) return { outcome: 'acknowledged', run: acknowledged };
    const run = await repos.canaryRuns.get(input.runId);
    if (!run) return { outcome: 'unknown', run: null };
    if (run.status === 'acknowledged' || run.acknowledgedAt) return { outcome: 'already', run };
    const late = await repos.canaryRuns.recordLateAck(input.runId, ack);
    return late ? { outcome: 'late', run: late } : { outcome: 'already', run };
  });
  if (result.run && result.outcome !== 'already') {
    const from = result.run.sentAt ?? result.run.createdAt;
    deps.metrics?.observe('tenant_canary_ack_seconds', Math.max(0, (at.getTime() - from.getTime()) / 1000));
  }
  return result;
}
