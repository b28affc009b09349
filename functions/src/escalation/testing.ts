// Test helper: an in-memory EscalationWorld and Notifier, so the steps and the ASL run without a database.
import type { Alarm, EscalationChainInput, EscalationPolicy } from '@plantwatch/shared';
import type { AlarmPlace } from '../notify/alarm-text.ts';
import type { NotificationMessage, Notifier } from '../notify/ports.ts';
import type { EscalationRun } from './ports.ts';
import type { AlarmLookup, EscalationRecipient, EscalationWorld } from './steps.ts';

export const TENANT = '0195f3c1-0000-7000-8000-000000000001';
export const POLICY = '0195f3c1-0000-7000-8000-0000000000a1';
export const ALARM = '0195f3c1-0000-5000-8000-0000000000b1';
export const EVENT = '0195f3c1-0000-7000-8000-0000000000c1';
export const ALICE = '0195f3c1-0000-7000-8000-0000000000d1';
export const BOB = '0195f3c1-0000-7000-8000-0000000000d2';

export function anAlarm(overrides: Partial<Alarm> = {}): Alarm {
  return {
    id: ALARM,
    tenantId: TENANT,
    ruleId: '0195f3c1-0000-7000-8000-0000000000e1',
    siteId: '0195f3c1-0000-7000-8000-0000000000f1',
    tagId: '0195f3c1-0000-7000-8000-0000000000f2',
    level: 'hihi',
    name: 'Wet well level HiHi',
    severity: 'critical',
    state: 'active-unacked',
    shelved: false,
    shelvedUntil: null,
    outOfService: false,
    value: 4.2,
    activeSince: '2026-11-22T03:10:00.000Z',
    clearedAt: null,
    updatedAt: '2026-11-22T03:10:00.000Z',
    ...overrides,
  };
}

/** Where the test alarm is: the demo's pumping station, its PLC and wet well level in metres. */
export function aPlace(overrides: Partial<AlarmPlace> = {}): AlarmPlace {
  return {
    siteName: 'North Pumping Station',
    deviceName: 'PLC-1',
    tagName: 'Wet well level',
    unit: 'm',
    limit: 'HiHi 4 m',
    timeZone: 'Europe/London',
    ...overrides,
  };
}

export function aPolicy(overrides: Partial<EscalationPolicy> = {}): EscalationPolicy {
  return {
    id: POLICY,
    tenantId: TENANT,
    name: 'Night shift',
    repeat: 0,
    repeatBackoff: null,
    levels: [
      { delayMinutes: 0, targets: [{ type: 'contact', contactId: ALICE }] },
      { delayMinutes: 1, targets: [{ type: 'contact', contactId: BOB }] },
    ],
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    ...overrides,
  };
}

export const people: Record<string, EscalationRecipient> = {
  [ALICE]: {
    contactId: ALICE,
    name: 'Alice (shift lead)',
    channels: [
      { type: 'sms', address: '+447700900001' },
      { type: 'email', address: 'alice@example.com' },
    ],
  },
  [BOB]: { contactId: BOB, name: 'Bob (manager)', channels: [{ type: 'sms', address: '+447700900002' }] },
};

export const chainInput: EscalationChainInput = {
  tenantId: TENANT,
  executionName: `alarm-event-${EVENT}`,
  alarmEventId: EVENT,
  alarmId: ALARM,
  policyId: POLICY,
};

export class FakeWorld implements EscalationWorld {
  runs = new Map<string, EscalationRun>();
  policies = new Map<string, EscalationPolicy>([[POLICY, aPolicy()]]);
  alarmLookup: AlarmLookup = { found: 'alarm', alarm: anAlarm(), place: aPlace() };
  /** Called before every alarm lookup: tests acknowledge the alarm between levels with it. */
  onAlarmLookup: (() => void) | undefined;

  async ensureRun(input: EscalationChainInput, startedAt: Date): Promise<EscalationRun> {
    const existing = this.runs.get(input.executionName);
    if (existing) return existing;
    const run: EscalationRun = {
      id: `run-${this.runs.size + 1}`,
      ...input,
      status: 'running',
      round: 0,
      level: null,
      lastNotifiedAt: null,
      reason: null,
      startedAt,
      updatedAt: startedAt,
      endedAt: null,
    };
    this.runs.set(input.executionName, run);
    return run;
  }
  async getRun(_tenantId: string, executionName: string) {
    return this.runs.get(executionName) ?? null;
  }
  async policy(_tenantId: string, policyId: string) {
    return this.policies.get(policyId) ?? null;
  }
  async alarm(): Promise<AlarmLookup> {
    this.onAlarmLookup?.();
    return this.alarmLookup;
  }
  async recipients(_tenantId: string, level: { targets: { type: string; contactId?: string }[] }) {
    const recipients = level.targets.flatMap((target) =>
      target.contactId && people[target.contactId] ? [people[target.contactId] as EscalationRecipient] : [],
    );
    return { recipients, unresolved: [] };
  }
  /** The notifier whose sent messages count as already sent (tests that retry a step set it). */
  notifier: FakeNotifier | undefined;
  async alreadySent(_tenantId: string, _alarmId: string, keys: readonly string[]) {
    const sent = new Set(this.notifier?.sent.map((message) => message.idempotencyKey) ?? []);
    return new Set(keys.filter((key) => sent.has(key)));
  }
  async recordProgress(
    _tenantId: string,
    executionName: string,
    progress: { round: number; level: number; at: Date; reason?: string | null },
  ) {
    const run = this.runs.get(executionName);
    if (run?.status !== 'running') return;
    Object.assign(run, {
      round: progress.round,
      level: progress.level,
      lastNotifiedAt: progress.at,
      updatedAt: progress.at,
      ...(progress.reason === undefined ? {} : { reason: progress.reason }),
    });
  }
  async end(
    _tenantId: string,
    executionName: string,
    outcome: { status: 'stopped' | 'finished' | 'failed'; reason: string | null; at: Date },
  ) {
    const run = this.runs.get(executionName);
    if (run?.status !== 'running') return;
    Object.assign(run, { status: outcome.status, reason: outcome.reason, endedAt: outcome.at });
  }
}

/**
 * Stores what it sends by idempotency key (a repeated key sends nothing); addresses in `failing` throw
 * an error worth retrying, those in `refusing` one that is final (retryable: false).
 */
export class FakeNotifier implements Notifier {
  sent: NotificationMessage[] = [];
  /** Every send asked for, in order (failed ones too). */
  tried: NotificationMessage[] = [];
  attempts = 0;
  failing = new Set<string>();
  refusing = new Set<string>();
  /** Answers like a flood window holding every page for a digest. */
  hold = false;
  async send(message: NotificationMessage) {
    this.attempts += 1;
    this.tried.push(message);
    if (this.failing.has(message.to)) throw new Error(`provider refused ${message.to}`);
    if (this.refusing.has(message.to)) {
      throw Object.assign(new Error(`no such number ${message.to}`), { retryable: false });
    }
    const duplicate = this.sent.some((m) => m.idempotencyKey === message.idempotencyKey);
    if (!duplicate) this.sent.push(message);
    return {
      providerMessageId: message.idempotencyKey,
      provider: 'outbox' as const,
      notificationId: message.idempotencyKey,
      status: this.hold ? ('held' as const) : ('sent' as const),
      duplicate,
    };
  }
}
