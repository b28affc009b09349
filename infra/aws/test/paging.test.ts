// Every function that pages people gets what paging needs and no more: the API (contact test sends),
// the escalation chain's notify task, the alarm check (tenant canaries) and the held-pages flush.
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { logicalId, plantwatchStack } from './support/stack.ts';

const { stack, template } = plantwatchStack();
const resources = template.toJSON().Resources as Record<
  string,
  { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] }
>;
const phoneNumbersOnly = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:*:*:*']] };

function statementsOf(fn: { role?: unknown }) {
  const role = logicalId(stack, fn.role as IConstruct);
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .filter((r) => JSON.stringify(r.Properties.Roles).includes(role))
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement);
}

describe('the functions that page', () => {
  const pagers = {
    api: stack.api.apiFunction,
    notifyTask: stack.escalation.taskFunctions.notify,
    alarmCheck: stack.alarmCheck.checkFunction,
    notifyFlush: stack.notifyFlush.flushFunction,
  };

  it.each(Object.entries(pagers))(
    '%s: SMS to phone numbers only, e-mail from the SES identity, the From address set',
    (_, fn) => {
      const statements = statementsOf(fn);
      expect(statements).toContainEqual(
        expect.objectContaining({ Action: 'sns:Publish', Effect: 'Allow', NotResource: phoneNumbersOnly }),
      );
      expect(statements).toContainEqual(expect.objectContaining({ Action: 'ses:SendEmail' }));
      const variables = resources[logicalId(stack, fn)]?.Properties.Environment as {
        Variables: Record<string, unknown>;
      };
      expect(variables.Variables.SES_FROM_ADDRESS).toBe('alarms@plantwatch.example.com');
      expect(variables.Variables.NOTIFY_SECRETS_PREFIX).toBe('plantwatch/tenants');
    },
  );

  it('grants sns:Publish on "*" to no one', () => {
    for (const policy of Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy')) {
      for (const statement of (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] })
        .Statement) {
        if ([statement.Action].flat().includes('sns:Publish')) expect(statement.Resource).not.toBe('*');
      }
    }
  });

  it('runs the held-pages flush every minute, with the functions login, after the migrations, one at a time', () => {
    const flush = stack.notifyFlush.flushFunction;
    const id = logicalId(stack, flush);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [id, 'Arn'] } })],
    });
    expect(resources[id]?.Properties).toMatchObject({
      Handler: 'index.handler',
      ReservedConcurrentExecutions: 1,
      Environment: { Variables: expect.objectContaining({ DATABASE_SECRET_ARN: expect.anything() }) },
    });
    expect(resources[id]?.DependsOn).toContain(logicalId(stack, stack.data.migrations));
    const loginSecret = logicalId(stack, stack.data.databaseSecret);
    expect(JSON.stringify(statementsOf(flush))).toContain(loginSecret);
  });

  it('gives the alarm check the state machine, start and stop on it, and a timeout for the check and the canaries within the minute', () => {
    const check = stack.alarmCheck.checkFunction;
    const properties = resources[logicalId(stack, check)]?.Properties as unknown as {
      Timeout: number;
      Environment: { Variables: Record<string, unknown> };
    };
    expect(properties.Environment.Variables.ESCALATION_STATE_MACHINE_ARN).toEqual({
      Ref: logicalId(stack, stack.escalation.stateMachine),
    });
    expect(properties.Timeout).toBeGreaterThanOrEqual(30);
    expect(properties.Timeout).toBeLessThan(60);
    const actions = statementsOf(check).flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['states:StartExecution', 'states:StopExecution']));
  });
});
