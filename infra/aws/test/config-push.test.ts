import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { GATEWAY_PATH } from '../src/iot.ts';
import { logicalId, plantwatchStack } from './support/stack.ts';

const { stack, template } = plantwatchStack();
const functionArn = { 'Fn::GetAtt': [logicalId(stack, stack.configPush.pushFunction), 'Arn'] };

type Statement = { Action: string | string[]; Resource: unknown };
function statementsOf(rolePrefix: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: Match.stringLikeRegexp(rolePrefix) }] },
  });
  return Object.values(policies).flatMap(
    (policy) =>
      (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
        .Statement,
  );
}
const topicArn = (topic: string) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':iot:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      `:topic/${topic}`,
    ],
  ],
});

describe('the ConfigPush construct', () => {
  it('re-drives pending config versions every minute from an EventBridge schedule, one run at a time', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: functionArn, RetryPolicy: { MaximumRetryAttempts: 0 } })],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Config push'),
      ReservedConcurrentExecutions: 1,
      Environment: { Variables: Match.objectLike({ DATABASE_HOST: Match.anyValue() }) },
    });
  });

  it('may publish on the gateways command topics only (config retained, requests), and nowhere under dt/', () => {
    const statements = statementsOf('ConfigPushFunctionServiceRole');
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: 'iot:Publish',
        Resource: [topicArn('cmd/*/*/*/config'), topicArn('cmd/*/*/*/request')],
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: 'iot:RetainPublish', Resource: topicArn('cmd/*/*/*/config') }),
    );
    expect(JSON.stringify(statements)).not.toContain(':topic/dt/');
  });

  it('gives the API the same publish for config versions and command requests', () => {
    const statements = statementsOf('ApiHandlerServiceRole');
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: 'iot:Publish',
        Resource: [topicArn('cmd/*/*/*/config'), topicArn('cmd/*/*/*/request')],
      }),
    );
  });

  it('lets a gateway subscribe to its own requests and publish its own responses, no one else’s', () => {
    const policy = Object.values(template.findResources('AWS::IoT::Policy'))[0] as {
      Properties: { PolicyDocument: { Statement: Statement[] } };
    };
    const text = JSON.stringify(policy.Properties.PolicyDocument.Statement);
    expect(text).toContain(`topicfilter/cmd/${GATEWAY_PATH}/request`);
    expect(text).toContain(`topic/dt/${GATEWAY_PATH}/response`);
    expect(text).not.toContain('topic/cmd/*');
  });
});
