import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { logicalId, plantwatchStack } from './support/stack.ts';

const { stack, template } = plantwatchStack();
const functionArn = { 'Fn::GetAtt': [logicalId(stack, stack.housekeeping.housekeepingFunction), 'Arn'] };

describe('the Housekeeping construct', () => {
  it('runs the housekeeping function every hour from an EventBridge schedule, without retries', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: functionArn, RetryPolicy: { MaximumRetryAttempts: 0 } })],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: functionArn,
      SourceArn: { 'Fn::GetAtt': [logicalId(stack, stack.housekeeping.schedule), 'Arn'] },
    });
  });

  it('gives the function the config store and the reports bucket, in the VPC, with the database secret and tracing, nothing else', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Housekeeping'),
      Timeout: 300,
      Environment: {
        Variables: Match.objectLike({
          DATABASE_HOST: Match.anyValue(),
          REPORTS_BUCKET: { Ref: logicalId(stack, stack.data.reportsBucket) },
        }),
      },
      VpcConfig: Match.objectLike({ SecurityGroupIds: Match.anyValue() }),
    });
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('HousekeepingFunctionServiceRole') }] },
    });
    const actions = Object.values(policies).flatMap((policy) =>
      (
        policy as { Properties: { PolicyDocument: { Statement: { Action: string | string[] }[] } } }
      ).Properties.PolicyDocument.Statement.flatMap((statement) => [statement.Action].flat()),
    );
    expect(new Set(actions)).toEqual(
      new Set([
        'secretsmanager:GetSecretValue',
        'secretsmanager:DescribeSecret',
        'xray:PutTraceSegments',
        'xray:PutTelemetryRecords',
        // retention deletes report files past it, in the reports bucket only
        's3:DeleteObject*',
      ]),
    );
  });

  it('is watched by the operations alarms like every other function', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [
        {
          Name: 'FunctionName',
          Value: { Ref: logicalId(stack, stack.housekeeping.housekeepingFunction) },
        },
      ],
    });
  });
});
