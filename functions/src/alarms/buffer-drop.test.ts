// The gateway alarm also stands for lost data: while the gateway's status reports that its disk
// buffer dropped points (buffer.lastDroppedTs), its communication-loss rule is in alarm, and it
// clears five minutes after the last drop, however much data arrives meanwhile.
import { type AlarmRule, alarmRuleSchema } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import {
  type AlarmRuleState,
  DROP_HOLD_MS,
  evaluateSamples,
  initialAlarmRuleState,
  setGatewayStatus,
  tick,
} from './engine.ts';
import { applyGatewayStatus } from './gateway-status.ts';

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const at = (seconds: number) => T0 + seconds * 1000;
const GATEWAY = '00000000-0000-4000-8000-000000000004';

const commLoss = (scope: 'gateway' | 'device', id: string): AlarmRule =>
  alarmRuleSchema.parse({
    id,
    tenantId: '00000000-0000-4000-8000-000000000001',
    siteId: '00000000-0000-4000-8000-000000000002',
    tagId: null,
    name: `${scope} comm loss`,
    description: '',
    deadband: 0,
    onDelayMs: 0,
    offDelayMs: 0,
    enabled: true,
    escalationPolicyId: null,
    createdAt: '2026-06-01T00:00:00.000Z',
    updatedAt: '2026-06-01T00:00:00.000Z',
    kind: 'commLoss',
    severity: 'high',
    afterSeconds: 60,
    scope,
    gatewayId: GATEWAY,
    deviceId: scope === 'device' ? '00000000-0000-4000-8000-000000000006' : null,
  });

const gatewayRule = commLoss('gateway', '00000000-0000-4000-8000-000000000101');
const summary = (transitions: { kind: string; at: number; comment?: string }[]) =>
  transitions.map((t) => `${t.kind} @${(t.at - T0) / 1000}s${t.comment ? `: ${t.comment}` : ''}`);
const data = (state: AlarmRuleState, seconds: number) =>
  evaluateSamples(gatewayRule, state, [{ ts: at(seconds), value: 1, quality: 'good' }]);

describe('the gateway alarm when its buffer drops points', () => {
  it('raises while the status reports drops, says why once, and suppresses no device', () => {
    const device = commLoss('device', '00000000-0000-4000-8000-000000000102');
    const applied = applyGatewayStatus(
      { rule: gatewayRule, state: initialAlarmRuleState(gatewayRule) },
      [{ rule: device, state: initialAlarmRuleState(device) }],
      { online: true, at: at(10), droppedAt: at(8) },
    );

    expect(summary(applied.transitions)).toEqual([
      "comment @10s: the gateway's buffer is full: it dropped points, and they are lost",
      'raised @10s',
    ]);
    expect(applied.devices[0]?.alarms.alarm?.suppressed).toBe(false);
  });

  it('stays raised while data arrives and drops go on, and clears five minutes after the last drop', () => {
    let state = setGatewayStatus(gatewayRule, initialAlarmRuleState(gatewayRule), {
      online: true,
      at: at(10),
      droppedAt: at(9),
    }).state;
    state = data(state, 20).state;
    const again = setGatewayStatus(gatewayRule, state, { online: true, at: at(100), droppedAt: at(95) });
    expect(again.transitions).toEqual([]); // no second comment, no second raise
    state = data(again.state, 150).state;

    const beforeHold = tick(gatewayRule, state, at(95) + DROP_HOLD_MS - 1_000);
    expect(beforeHold.transitions).toEqual([]);
    const fed = data(beforeHold.state, 390);
    const after = tick(gatewayRule, fed.state, at(95) + DROP_HOLD_MS);
    expect(summary(after.transitions)).toEqual([`cleared @${95 + DROP_HOLD_MS / 1000}s`]);
  });

  it('raises nothing for drops older than the hold, as after a restart of the cloud', () => {
    const result = setGatewayStatus(gatewayRule, initialAlarmRuleState(gatewayRule), {
      online: true,
      at: at(1000),
      droppedAt: at(1000) - DROP_HOLD_MS - 1,
    });
    expect(result.transitions).toEqual([]);
  });

  it('keeps the alarm raised when the gateway goes offline while dropping, and clears it when back and the hold is over', () => {
    const dropping = setGatewayStatus(gatewayRule, initialAlarmRuleState(gatewayRule), {
      online: true,
      at: at(10),
      droppedAt: at(10),
    });
    const offline = setGatewayStatus(gatewayRule, dropping.state, { online: false, at: at(20) });
    const heldOffline = tick(gatewayRule, offline.state, at(10) + DROP_HOLD_MS + 60_000);
    expect(heldOffline.transitions).toEqual([]);
    const back = setGatewayStatus(gatewayRule, heldOffline.state, {
      online: true,
      at: at(10) + DROP_HOLD_MS + 120_000,
      droppedAt: at(10),
    });
    expect(summary(back.transitions)).toEqual([`cleared @${10 + DROP_HOLD_MS / 1000 + 120}s`]);
  });
});
