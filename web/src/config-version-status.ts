// Where one config version stands: at the broker (published or not) and at the gateway (runs it,
// refused it, or has moved on), from the version's publish state and the gateway's health.
import type { GatewayConfigVersion, GatewayHealth } from '@plantwatch/shared';

export type VersionStatus =
  | { kind: 'running' }
  | { kind: 'rejected'; reason: string }
  | { kind: 'replaced' }
  | { kind: 'superseded' }
  | { kind: 'waiting-broker'; attempts: number; error: string | null }
  | { kind: 'failed'; error: string | null }
  | { kind: 'waiting-gateway' };

export function versionStatus(version: GatewayConfigVersion, config: GatewayHealth['config']): VersionStatus {
  const applied = config.appliedVersion;
  if (config.rejected && config.rejected.version === version.version) {
    return { kind: 'rejected', reason: config.rejected.reason };
  }
  if (applied === version.version) return { kind: 'running' };
  if (version.publish.state === 'superseded') return { kind: 'superseded' };
  if (applied !== null && version.version < applied) return { kind: 'replaced' };
  if (version.publish.state === 'pending') {
    return { kind: 'waiting-broker', attempts: version.publish.attempts, error: version.publish.lastError };
  }
  if (version.publish.state === 'failed') return { kind: 'failed', error: version.publish.lastError };
  return { kind: 'waiting-gateway' };
}
