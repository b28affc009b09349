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

  it('alarms when telemetry has waited more than five minutes in the stream, and when the stream throttles the rule', () => {
    const stream = stack.iot.telemetryStream;
    if (!stream) throw new Error('the default deployment streams telemetry');
    const dimensions = [{ Name: 'StreamName', Value: { Ref: logicalId(stack, stream) } }];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'GetRecords.IteratorAgeMilliseconds',
      Dimensions: dimensions,
      Threshold: 300_000,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'WriteProvisionedThroughputExceeded',
      Dimensions: dimensions,
      Threshold: 0,
    });
  });

  it('alarms on Aurora at its maximum capacity and near the connection budget, API and web 5xx, and CloudFront 5xx in us-east-1', () => {
    const cluster = [{ Name: 'DBClusterIdentifier', Value: { Ref: logicalId(stack, stack.data.cluster) } }];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ServerlessDatabaseCapacity',
      Dimensions: cluster,
      Threshold: 4 * 0.95,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'DatabaseConnections',
      Dimensions: cluster,
      Threshold: Math.floor(stack.connectionBudget * 0.9),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: '5xx',
      Namespace: 'AWS/ApiGateway',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ MetricName: 'HTTPCode_Target_5XX_Count' }),
          }),
        }),
      ]),
    });
    const cloudfront = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
      (alarm) => alarm.Properties.MetricName === '5xxErrorRate',
    );
    expect(cloudfront).toHaveLength(1);
    expect(cloudfront[0]?.Condition).toBeDefined();
  });

  it('has a monthly cost budget that tells the alarm topic at 80 % spent and 100 % forecast', () => {
    template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: {
        BudgetType: 'COST',
        TimeUnit: 'MONTHLY',
        BudgetLimit: { Unit: 'USD', Amount: Match.anyValue() },
      },
      NotificationsWithSubscribers: [
        Match.objectLike({ Notification: Match.objectLike({ NotificationType: 'ACTUAL', Threshold: 80 }) }),
        Match.objectLike({
          Notification: Match.objectLike({ NotificationType: 'FORECASTED', Threshold: 100 }),
        }),
      ],
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'budgets.amazonaws.com' } })]),
      },
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
    // dead-letter queues, errors and throttles of every function, failed and timed-out chains,
    // escalation intents given up on or waiting, the service canary's failures, the stream (2), Aurora
    // (2), API 5xx, web 5xx, CloudFront 5xx, and the service's own (ingest stopped, dead-lettered,
    // ingest latency, report runs failed: service-dashboard.test.ts)
    const functions = Object.keys(template.findResources('AWS::Lambda::Function')).length;
    const deadLetterQueues = stack.data.rollups ? 3 : 2; // + the rollup failures queue with Timestream
    expect(stack.operations.alarms).toHaveLength(deadLetterQueues + 2 * functions + 2 + 3 + 2 + 2 + 3 + 4);
  });

  it('alarms only on metrics an alarm can read: no SEARCH expression, with either telemetry store', () => {
    for (const { template: synthesized } of [
      plantwatchStack(),
      plantwatchStack({ telemetryStore: 'timestream' }),
    ]) {
      const alarms = Object.values(synthesized.findResources('AWS::CloudWatch::Alarm'));
      expect(alarms.length).toBeGreaterThan(10);
      for (const alarm of alarms) expect(JSON.stringify(alarm)).not.toContain('SEARCH(');
    }
    // Timestream's errors by the exact dimensions of the ingest path's writes (a labelled metric stat)
    const timestream = Object.values(
      plantwatchStack({ telemetryStore: 'timestream' }).template.findResources('AWS::CloudWatch::Alarm'),
    ).filter((alarm) => JSON.stringify(alarm).includes('"AWS/Timestream"'));
    expect(timestream.map((alarm) => JSON.stringify(alarm).match(/"Label":"(\w+)"/)?.[1]).sort()).toEqual([
      'SystemErrors',
      'UserErrors',
    ]);
    for (const alarm of timestream) expect(JSON.stringify(alarm)).toContain('"Value":"WriteRecords"');
  });
});
