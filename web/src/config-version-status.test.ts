import type { GatewayConfigVersion, GatewayHealth } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { versionStatus } from './config-version-status.ts';

const version = (
  n: number,
  publish: Partial<GatewayConfigVersion['publish']> = {},
): GatewayConfigVersion => ({
  id: `01960000-0000-7000-8000-00000000000${n}`,
  gatewayId: '01960000-0000-7000-8000-0000000000aa',
  version: n,
  createdAt: '2026-12-07T03:00:00.000Z',
  changedBy: { type: 'user', id: 'u1' },
  change: `change ${n}`,
  rollbackOf: null,
  publish: {
    state: 'published',
    attempts: 1,
    lastError: null,
    publishedAt: '2026-12-07T03:00:01.000Z',
    ...publish,
  },
  messageBytes: 512,
});

const health = (appliedVersion: number | null, rejected: GatewayHealth['config']['rejected'] = null) => ({
  latestVersion: 5,
  appliedVersion,
  state: 'applied' as const,
  rejected,
  published: true,
  publishError: null,
});

describe('versionStatus', () => {
  it('says the version the gateway runs is running, and older published ones replaced', () => {
    expect(versionStatus(version(4), health(4))).toEqual({ kind: 'running' });
    expect(versionStatus(version(3), health(4))).toEqual({ kind: 'replaced' });
  });

  it("gives the gateway's reason for the version it refused, though it runs an older one", () => {
    const refused = health(3, {
      version: 4,
      reason: 'devices[0].tags[1].bit: must be 0-15',
      at: '2026-12-07T03:01:00.000Z',
    });
    expect(versionStatus(version(4), refused)).toEqual({
      kind: 'rejected',
      reason: 'devices[0].tags[1].bit: must be 0-15',
    });
  });

  it('tells a version the broker has not taken (with its attempts and error) from one sent and not yet applied', () => {
    expect(
      versionStatus(version(5, { state: 'pending', attempts: 3, lastError: 'broker down' }), health(4)),
    ).toEqual({
      kind: 'waiting-broker',
      attempts: 3,
      error: 'broker down',
    });
    expect(versionStatus(version(5), health(4))).toEqual({ kind: 'waiting-gateway' });
    expect(versionStatus(version(1), health(null))).toEqual({ kind: 'waiting-gateway' });
  });

  it('names a version superseded before it was sent, and a failed publish', () => {
    expect(versionStatus(version(2, { state: 'superseded' }), health(4))).toEqual({ kind: 'superseded' });
    expect(versionStatus(version(5, { state: 'failed', lastError: 'too big' }), health(4))).toEqual({
      kind: 'failed',
      error: 'too big',
    });
  });
});
