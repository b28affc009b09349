// The pre-deploy check: combinations that cannot deploy or cannot work fail synthesis with what to
// set instead, before anything reaches CloudFormation.
import { describe, expect, it } from 'vitest';
import { auroraMaxConnections } from '../src/load-model.ts';
import { plantwatchStack } from './support/stack.ts';

describe('the deployment settings', () => {
  it('defaults to what a fresh account can create: PostgreSQL telemetry, a Kinesis stream, Aurora at 0.5-4 ACU', () => {
    const { stack } = plantwatchStack();
    expect(stack.data.timestreamTable).toBeUndefined();
    expect(stack.iot.telemetryStream).toBeDefined();
  });

  it('refuses Timestream settings on a PostgreSQL deployment, and the other way round', () => {
    expect(() => plantwatchStack({ memoryRetentionHours: 12 })).toThrow(
      'context memoryRetentionHours only applies with telemetryStore=timestream, and this deployment is telemetryStore=postgres: remove it (or set telemetryStore=timestream)',
    );
    expect(() => plantwatchStack({ telemetryStore: 'timestream', rawRetentionDays: 90 })).toThrow(
      'context rawRetentionDays only applies with telemetryStore=postgres',
    );
  });

  it('refuses auroraMinAcu=0: the minute jobs would never let it pause', () => {
    expect(() => plantwatchStack({ auroraMinAcu: 0 })).toThrow(/auroraMinAcu=0 would never pause/);
  });

  it('refuses a connection budget Aurora cannot take, naming the settings to change', () => {
    // 1 ACU allows 189 connections; 80 API instances alone may open 320.
    expect(auroraMaxConnections(0.5, 1)).toBe(189);
    expect(() => plantwatchStack({ auroraMaxAcu: 1, apiConcurrency: 80 })).toThrow(
      /may open \d+ database connections, but Aurora at auroraMaxAcu=1 allows 189 .*raise auroraMaxAcu/,
    );
  });

  it("refuses reservations over the account's Lambda concurrency quota (a new account may have 10)", () => {
    expect(() => plantwatchStack({ lambdaAccountConcurrency: 10 })).toThrow(
      /reserves \d+ concurrent Lambda executions .* quota of 10 .*Service Quotas/,
    );
  });

  it('budgets every function that opens the database, within what Aurora allows', () => {
    const { stack } = plantwatchStack();
    const expected = stack.databaseUses.reduce(
      (sum, use) =>
        sum +
        (use.fn as unknown as { reservedConcurrency: number }).reservedConcurrency *
          use.connectionsPerInstance,
      0,
    );
    expect(stack.connectionBudget).toBe(expected);
    expect(stack.connectionBudget).toBeLessThanOrEqual(auroraMaxConnections(0.5, 4) * 0.9);
  });
});
