import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { logicalId, plantwatchStack } from './support/stack.ts';

const { stack, template } = plantwatchStack();

describe('the Operations construct', () => {
  it('alarms as soon as a message waits in either dead-letter queue', () => {
    for (const queue of [stack.iot.telemetryDeadLetterQueue, stack.iot.ruleErrorQueue]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack, queue), 'QueueName'] } }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: logicalId(stack, stack.operations.alarmTopic) }],
      });
    }
  });

  it('alarms on errors and throttles of every function in the template', () => {
    const functions = Object.keys(template.findResources('AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThanOrEqual(9);
    for (const id of functions) {
      for (const metric of ['Errors', 'Throttles']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: metric,
          Namespace: 'AWS/Lambda',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: id } }],
          TreatMissingData: 'notBreaching',
          AlarmActions: [{ Ref: logicalId(stack, stack.operations.alarmTopic) }],
        });
      }
    }
  });

  it.each(['ExecutionsFailed', 'ExecutionsTimedOut'])(
    'alarms on %s of the escalation state machine',
    (metric) => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metric,
        Namespace: 'AWS/States',
        Dimensions: [
          { Name: 'StateMachineArn', Value: { Ref: logicalId(stack, stack.escalation.stateMachine) } },
        ],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: logicalId(stack, stack.operations.alarmTopic) }],
      });
    },
  );

  it.each([
    ['escalation_intents_failed', 0],
    ['escalation_intent_oldest_pending_seconds', 60],
    ['service_canary_failures', 0],
  ])('alarms on alarm delivery: %s above %i', (metric, threshold) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: metric,
      Namespace: 'Plantwatch',
      Dimensions: [{ Name: 'service', Value: 'plantwatch' }],
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: logicalId(stack, stack.operations.alarmTopic) }],
    });
  });

  it('shows every function and the state machine on the dashboard', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const id of Object.keys(template.findResources('AWS::Lambda::Function'))) expect(body).toContain(id);
    expect(body).toContain('ExecutionsFailed');
  });

  it('alarms when telemetry has waited more than five minutes for ingest', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalId(stack, stack.iot.telemetryQueue), 'QueueName'] },
        },
      ],
      Threshold: 300,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('has one dashboard and an encrypted-in-transit alarm topic', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    // dead-letter queues, errors and throttles of every function, the backlog, failed and timed-out
    // chains, escalation intents given up on or waiting, the service canary's failures
    const functions = Object.keys(template.findResources('AWS::Lambda::Function')).length;
    const deadLetterQueues = stack.data.rollups ? 3 : 2; // + the rollup failures queue with Timestream
    expect(stack.operations.alarms).toHaveLength(deadLetterQueues + 2 * functions + 1 + 2 + 3);
  });
});
