import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { logicalId, plantwatchStack } from './support/stack.ts';

const { stack, template } = plantwatchStack();

describe('the AlarmCheck construct', () => {
  it('runs the alarm check function every minute from an EventBridge schedule, without retries', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalId(stack, stack.alarmCheck.checkFunction), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [logicalId(stack, stack.alarmCheck.checkFunction), 'Arn'] },
      SourceArn: { 'Fn::GetAtt': [logicalId(stack, stack.alarmCheck.schedule), 'Arn'] },
    });
  });

  it('gives the function the stores environment, a timeout shorter than the rate, and the database secret', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('Periodic alarm check'),
      Timeout: 55,
      Environment: {
        Variables: Match.objectLike({ TELEMETRY_STORE: Match.anyValue(), DATABASE_HOST: Match.anyValue() }),
      },
      VpcConfig: Match.objectLike({ SecurityGroupIds: Match.anyValue() }),
    });
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: {
        Roles: [{ Ref: Match.stringLikeRegexp('AlarmCheckFunctionServiceRole') }],
      },
    });
    const actions = Object.values(policies).flatMap((policy) =>
      (
        policy as { Properties: { PolicyDocument: { Statement: { Action: string | string[] }[] } } }
      ).Properties.PolicyDocument.Statement.flatMap((statement) => [statement.Action].flat()),
    );
    expect(actions).toContain('secretsmanager:GetSecretValue');
  });

  it('is watched by the operations alarms like every other function', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [
        { Name: 'FunctionName', Value: { Ref: logicalId(stack, stack.alarmCheck.checkFunction) } },
      ],
    });
  });
});
