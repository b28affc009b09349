// A gateway's status applied to its comm-loss rules at once (engine.ts's setGatewayStatus and
// setSuppressed together): one gateway alarm, and its devices' alarms suppressed while it is offline.
import type { AlarmRule } from '@plantwatch/shared';
import {
  AlarmOperationError,
  type AlarmRuleState,
  type AlarmTransition,
  type GatewayStatusChange,
  setGatewayStatus,
  setSuppressed,
} from './engine.ts';

export interface RuleWithState {
  rule: AlarmRule;
  state: AlarmRuleState;
}

/**
 * A gateway's status change for the gateway's comm-loss rule and its devices' comm-loss rules: one
 * gateway alarm, and the devices' alarms suppressed while it is offline instead of a flood.
 */
export function applyGatewayStatus(
  gateway: RuleWithState,
  devices: readonly RuleWithState[],
  status: GatewayStatusChange,
): { gateway: AlarmRuleState; devices: AlarmRuleState[]; transitions: AlarmTransition[] } {
  const gatewayRule = gateway.rule;
  if (gatewayRule.kind !== 'commLoss') {
    throw new AlarmOperationError(`rule ${gatewayRule.id} is not a gateway communication-loss rule`);
  }
  const stale = gateway.state.statusTs !== null && status.at < gateway.state.statusTs;
  if (stale || !gatewayRule.enabled) {
    return { gateway: gateway.state, devices: devices.map(({ state }) => state), transitions: [] };
  }
  const gatewayResult = setGatewayStatus(gatewayRule, gateway.state, status);
  const transitions = [...gatewayResult.transitions];
  const deviceStates = devices.map(({ rule, state }) => {
    if (rule.kind !== 'commLoss' || rule.scope !== 'device' || rule.gatewayId !== gatewayRule.gatewayId) {
      return state;
    }
    const result = setSuppressed(rule, state, {
      suppressed: !status.online,
      at: status.at,
      comment: `gateway ${gatewayRule.gatewayId} offline`,
    });
    transitions.push(...result.transitions);
    return result.state;
  });
  return { gateway: gatewayResult.state, devices: deviceStates, transitions };
}
