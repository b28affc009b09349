// The DerivedTagTimer construct (ADR 0051): a scheduled function every minute that computes derived
// tags with a period, with both stores, starting escalation chains like ingest, in the database budget.
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { logicalId, plantwatchStack } from './support/stack.ts';

const { stack, template } = plantwatchStack();
const timerFunction = () => stack.derivedTagTimer.timerFunction;
const functionArn = () => ({ 'Fn::GetAtt': [logicalId(stack, timerFunction()), 'Arn'] });

function actionsOfRole(rolePattern: string): string[] {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: Match.stringLikeRegexp(rolePattern) }] },
  });
  return Object.values(policies).flatMap((policy) =>
    (
      policy as { Properties: { PolicyDocument: { Statement: { Action: string | string[] }[] } } }
    ).Properties.PolicyDocument.Statement.flatMap((statement) => [statement.Action].flat()),
  );
}

describe('the DerivedTagTimer construct', () => {
  it('runs the timer function every minute from an EventBridge schedule, without retries', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: functionArn(), RetryPolicy: { MaximumRetryAttempts: 0 } })],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: functionArn(),
      SourceArn: { 'Fn::GetAtt': [logicalId(stack, stack.derivedTagTimer.schedule), 'Arn'] },
    });
  });

  it('runs one at a time inside the minute, with both stores and the escalation state machine', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Derived tags with a period'),
      Timeout: 55,
      ReservedConcurrentExecutions: 1,
      Environment: {
        Variables: Match.objectLike({
          TELEMETRY_STORE: Match.anyValue(),
          DATABASE_HOST: Match.anyValue(),
          ESCALATION_STATE_MACHINE_ARN: Match.anyValue(),
        }),
      },
      VpcConfig: Match.objectLike({ SecurityGroupIds: Match.anyValue() }),
    });
    const actions = actionsOfRole('DerivedTagTimerFunctionServiceRole');
    expect(actions).toContain('states:StartExecution');
    expect(actions).toContain('secretsmanager:GetSecretValue');
  });

  it('is counted in the database connection budget and comes after the migrations', () => {
    expect(stack.databaseUses.map((use) => use.fn)).toContain(timerFunction());
    const [resource] = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Description: Match.stringLikeRegexp('^Derived tags with a period') },
      }),
    ) as { DependsOn?: string[] }[];
    expect(resource?.DependsOn?.some((id) => id.includes('Migrations'))).toBe(true);
  });
});
