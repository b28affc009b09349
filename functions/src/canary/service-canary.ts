// The service canary: a synthetic alarm sent through the real path — the alarm evaluator, the unit
// of work and its escalation intent, the dispatcher, the escalation chain and the notifier — for a
// system tenant of its own, whose one contact's address is on the reserved `.invalid` domain (never
// handed to a provider: the message log is its delivery). Each run first judges the previous trip
// (was its page in the message log within `pageWithinMs` of the raise?), then acknowledges and
// clears it and raises the next. A trip that found no page is a failure: counted (an operations
// alarm on AWS), logged, and the health check turns degraded; the verdict is read from the database,
// so every process (the API Lambda too) agrees on it.
import {
  type AlarmRule,
  createAlarmRuleSchema,
  deviceConnectionSchema,
  type TelemetryValue,
} from '@plantwatch/shared';
import type { AccountLookups, AccountRepositories } from '../accounts/ports.ts';
import { acknowledgeAlarmAs } from '../alarms/alarms.ts';
import type { EscalationDispatcher } from '../alarms/dispatcher.ts';
import { alarmIdOf } from '../alarms/journal.ts';
import type { AlarmEvaluator, AlarmRepositories } from '../alarms/ports.ts';
import type { AlarmStateCache } from '../alarms/state-cache.ts';
import type { NotifyRepositories } from '../notify/repositories.ts';
import type { PeopleRepositories } from '../people/ports.ts';
import type { PlantRepositories } from '../plant/ports.ts';
import type { Clock } from '../platform/clock.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { HealthCheck } from '../platform/health.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import type { Metrics } from '../platform/metrics.ts';
import { logger } from '../platform/observability.ts';

/** The system tenant's owner: it exists only to be found again; nobody can log in as it. */
export const SERVICE_CANARY_EMAIL = 'service-canary@plantwatch.invalid';
const PAGE_ADDRESS = 'pages@service-canary.plantwatch.invalid';

type CanaryRepositories = AccountRepositories &
  PlantRepositories &
  AlarmRepositories &
  PeopleRepositories &
  Pick<NotifyRepositories, 'notifications'>;

export interface ServiceCanaryDeps {
  store: TenantStore<CanaryRepositories> & Pick<AccountLookups, 'createTenant' | 'findCredentialsByEmail'>;
  /** The real evaluator, delivering through the real dispatcher. */
  alarms: AlarmEvaluator;
  dispatcher?: EscalationDispatcher | undefined;
  ids: IdGenerator;
  clock: Clock;
  metrics?: Metrics;
  /** The evaluator's states in memory: the canary's acknowledgement keeps them current (ADR 0047). */
  states?: AlarmStateCache | undefined;
}

export interface ServiceCanaryOptions {
  /** A raise whose page is not in the message log this long after it is a failure. */
  pageWithinMs?: number;
  /** Trips are at least this far apart. */
  everyMs?: number;
}

interface CanaryPlant {
  tenantId: string;
  siteId: string;
  gatewayId: string;
  deviceId: string;
  tagId: string;
  rule: AlarmRule;
}

export type ServiceCanaryVerdict =
  | { status: 'ok'; pageSeconds: number; raisedAt: Date }
  | { status: 'waiting'; raisedAt: Date }
  | { status: 'failed'; raisedAt: Date; reason: string }
  | { status: 'none' };

export interface ServiceCanary {
  /** Judges the last trip and, when due, starts the next. */
  run(): Promise<{ previous: ServiceCanaryVerdict; raised: boolean }>;
  /** degraded while the last trip found no page in time. */
  health: HealthCheck;
}

export function createServiceCanary(
  deps: ServiceCanaryDeps,
  options: ServiceCanaryOptions = {},
): ServiceCanary {
  const pageWithinMs = options.pageWithinMs ?? 60_000;
  const everyMs = options.everyMs ?? 5 * 60_000;
  let plant: CanaryPlant | undefined;

  async function ensurePlant(): Promise<CanaryPlant> {
    if (plant) return plant;
    const found = await deps.store.findCredentialsByEmail(SERVICE_CANARY_EMAIL);
    const tenantId = found?.tenantId ?? (await createTenant());
    plant = await deps.store.inTenant(
      tenantId,
      async (repos) => (await findPlant(repos, tenantId)) ?? createPlant(repos, tenantId),
    );
    return plant;
  }

  async function createTenant(): Promise<string> {
    const tenantId = deps.ids.newId();
    await deps.store.createTenant({
      tenant: { id: tenantId, name: 'Plantwatch service canary', timeZone: 'UTC' },
      // '!' is no password hash: no password ever verifies against it
      owner: { id: deps.ids.newId(), email: SERVICE_CANARY_EMAIL, name: 'Service canary', passwordHash: '!' },
    });
    return tenantId;
  }

  async function createPlant(repos: CanaryRepositories, tenantId: string): Promise<CanaryPlant> {
    const site = await repos.sites.create({
      id: deps.ids.newId(),
      name: 'Service canary',
      description: 'A synthetic alarm sent through the real path every few minutes',
      timeZone: 'UTC',
      location: null,
    });
    const gateway = await repos.gateways.create({
      id: deps.ids.newId(),
      siteId: site.id,
      name: 'canary',
      description: '',
    });
    const device = await repos.devices.create({
      id: deps.ids.newId(),
      gatewayId: gateway.id,
      key: 'canary',
      name: 'Canary',
      description: '',
      enabled: false,
      // never polled (disabled): the canary feeds the evaluator directly
      connection: deviceConnectionSchema.parse({ protocol: 'modbus-tcp', host: '127.0.0.1', port: 502 }),
    });
    const tag = await repos.tags.create({
      id: deps.ids.newId(),
      deviceId: device.id,
      key: 'signal',
      name: 'Canary signal',
      description: '',
      address: { kind: 'modbus', area: 'holding', address: 0, type: 'uint16' },
      scale: 1,
      offset: 0,
      unit: '',
      deadband: 0,
    });
    const contact = await repos.contacts.create({
      id: deps.ids.newId(),
      name: 'Service canary',
      channels: [{ type: 'email', address: PAGE_ADDRESS }],
    });
    const policy = await repos.escalationPolicies.create({
      id: deps.ids.newId(),
      name: 'Service canary',
      repeat: 0,
      repeatBackoff: null,
      levels: [{ delayMinutes: 0, targets: [{ type: 'contact', contactId: contact.id }] }],
    });
    const input = createAlarmRuleSchema.parse({
      kind: 'limit',
      tagId: tag.id,
      name: 'Service canary',
      description: 'Raised by the service canary; pages its own contact',
      escalationPolicyId: policy.id,
      repageHoldOffMinutes: 0,
      levels: [{ level: 'hi', threshold: 1, severity: 'low' }],
    });
    if (input.kind !== 'limit') throw new Error('the canary rule is a limit rule');
    const rule = await repos.alarmRules.create({
      ...input,
      id: deps.ids.newId(),
      siteId: site.id,
      tagId: tag.id,
    });
    return { tenantId, siteId: site.id, gatewayId: gateway.id, deviceId: device.id, tagId: tag.id, rule };
  }

  const sample = (canary: CanaryPlant, ts: number, value: TelemetryValue) =>
    deps.alarms.evaluate({
      tenantId: canary.tenantId,
      siteId: canary.siteId,
      gatewayId: canary.gatewayId,
      points: [{ tagId: canary.tagId, deviceId: canary.deviceId, ts, value, quality: 'good' }],
    });

  const judged = new Set<string>();

  return {
    async run() {
      const canary = await ensurePlant();
      const now = deps.clock.now();
      const previous = (await verdicts(deps.store, canary, now, pageWithinMs)).latest;
      if (previous.status === 'waiting') return { previous, raised: false };
      if (previous.status !== 'none' && !judged.has(previous.raisedAt.toISOString())) {
        judged.add(previous.raisedAt.toISOString());
        if (previous.status === 'ok')
          deps.metrics?.observe('service_canary_page_seconds', previous.pageSeconds);
        else {
          deps.metrics?.increment('service_canary_failures');
          logger.error('service canary: a synthetic alarm was not paged', { reason: previous.reason });
        }
      }
      if (previous.status !== 'none' && now.getTime() - previous.raisedAt.getTime() < everyMs) {
        return { previous, raised: false };
      }
      // Settle the last trip (acknowledge, back to normal), then raise the next one.
      await acknowledgeAlarmAs(
        {
          store: deps.store,
          ids: deps.ids,
          clock: deps.clock,
          dispatcher: deps.dispatcher,
          states: deps.states,
        },
        {
          tenantId: canary.tenantId,
          alarmId: alarmId(canary),
          actor: { type: 'system', name: 'service canary' },
          channel: 'system',
        },
      );
      await sample(canary, now.getTime() - 1, 0);
      await sample(canary, now.getTime(), 2);
      return { previous, raised: true };
    },
    health: serviceCanaryHealth(deps, pageWithinMs),
  };
}

/** The canary's plant, found again (rule, tag and device of the system tenant); null before the first run. */
async function findPlant(
  repos: Pick<CanaryRepositories, 'alarmRules' | 'tags'>,
  tenantId: string,
): Promise<CanaryPlant | null> {
  const [rule] = await repos.alarmRules.list({ scope: null });
  const tag = rule?.tagId ? await repos.tags.get(rule.tagId) : null;
  if (!rule || !tag) return null;
  return {
    tenantId,
    siteId: rule.siteId,
    gatewayId: tag.gatewayId,
    deviceId: tag.deviceId,
    tagId: tag.id,
    rule,
  };
}

const alarmId = (canary: CanaryPlant) => alarmIdOf(canary.rule.id, 'hi');

/** The last trip, from the journal and the message log. */
/**
 * The verdicts of the canary's last trips, from the journal and the message log: `latest` (maybe
 * still waiting for its page) and `judged`, the newest trip whose outcome is known (the health check
 * reports that one, so a failure stays visible while the next trip is under way).
 */
async function verdicts(
  store: ServiceCanaryDeps['store'],
  canary: CanaryPlant,
  now: Date,
  pageWithinMs: number,
): Promise<{ latest: ServiceCanaryVerdict; judged: ServiceCanaryVerdict }> {
  return store.inTenant(canary.tenantId, async (repos) => {
    const events = await repos.alarmEvents.list({ ruleId: canary.rule.id }, 40);
    const raises = events.filter((event) => event.kind === 'raised').slice(0, 2);
    const pages = await repos.notifications.list({ alarmId: alarmId(canary), limit: 40 });
    const verdictOf = (index: number): ServiceCanaryVerdict => {
      const raised = raises[index];
      if (!raised) return { status: 'none' };
      const raisedAt = new Date(raised.at);
      const next = raises[index - 1];
      const until = next ? Date.parse(next.at) : Number.POSITIVE_INFINITY;
      const page = pages
        .filter((message) => message.status !== 'failed')
        .filter(
          (message) =>
            message.createdAt.getTime() >= raisedAt.getTime() && message.createdAt.getTime() < until,
        )
        .at(-1);
      if (page)
        return {
          status: 'ok',
          raisedAt,
          pageSeconds: (page.createdAt.getTime() - raisedAt.getTime()) / 1000,
        };
      if (!next && now.getTime() - raisedAt.getTime() <= pageWithinMs) return { status: 'waiting', raisedAt };
      return {
        status: 'failed',
        raisedAt,
        reason: `no page in the message log ${Math.round(pageWithinMs / 1000)} s after the raise at ${raised.at}`,
      };
    };
    const latest = verdictOf(0);
    return { latest, judged: latest.status === 'waiting' ? verdictOf(1) : latest };
  });
}

/** The health check: reads the verdict of the last trip; never creates the system tenant. */
export function serviceCanaryHealth(
  deps: Pick<ServiceCanaryDeps, 'store' | 'clock'>,
  pageWithinMs = 60_000,
): HealthCheck {
  return async () => {
    const found = await deps.store.findCredentialsByEmail(SERVICE_CANARY_EMAIL);
    const canary = found
      ? await deps.store.inTenant(found.tenantId, (repos) => findPlant(repos, found.tenantId))
      : null;
    const verdict: ServiceCanaryVerdict = canary
      ? (await verdicts(deps.store, canary, deps.clock.now(), pageWithinMs)).judged
      : { status: 'none' };
    return {
      name: 'service-canary',
      status: verdict.status === 'failed' ? 'degraded' : 'ok',
      detail:
        verdict.status === 'failed'
          ? verdict.reason
          : verdict.status === 'ok'
            ? `the last synthetic alarm was paged ${verdict.pageSeconds.toFixed(2)} s after its raise`
            : verdict.status === 'waiting'
              ? 'a synthetic alarm was raised; its page is awaited'
              : 'no synthetic alarm sent yet',
    };
  };
}
