// Operations: alarms on what means data is being lost or users see errors, and one dashboard.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface OperationsProps {
  readonly functions: readonly lambda.IFunction[];
  /** Queues whose depth above zero means messages are waiting for a human. */
  readonly deadLetterQueues: readonly sqs.IQueue[];
  /** The ingest queue: its oldest message's age shows ingest falling behind. */
  readonly telemetryQueue?: sqs.IQueue;
  /** State machines whose failed, timed-out or aborted executions mean someone was not paged. */
  readonly stateMachines?: readonly sfn.IStateMachine[];
}

export class Operations extends Construct {
  /** Subscribe the on-call people (e-mail, chat) to this topic. */
  readonly alarmTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Plantwatch operations',
      enforceSSL: true,
    });
    const alarm = (scopeId: string, metric: cloudwatch.IMetric, description: string, threshold = 0) => {
      const created = new cloudwatch.Alarm(this, scopeId, {
        metric,
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(new actions.SnsAction(this.alarmTopic));
      created.addOkAction(new actions.SnsAction(this.alarmTopic));
      this.alarms.push(created);
      return created;
    };

    const widgets: cloudwatch.IWidget[] = [];
    props.deadLetterQueues.forEach((queue, index) => {
      const depth = queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      });
      alarm(
        `DeadLetters${index}`,
        depth,
        `Messages are waiting in ${queue.node.path}: look at them and redrive`,
      );
      widgets.push(new cloudwatch.GraphWidget({ title: `Dead letters: ${queue.node.id}`, left: [depth] }));
    });
    props.functions.forEach((fn, index) => {
      const errors = fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' });
      const throttles = fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' });
      alarm(`FunctionErrors${index}`, errors, `${fn.node.path} failed: see its logs`);
      alarm(`FunctionThrottles${index}`, throttles, `${fn.node.path} was throttled: raise its concurrency`);
      widgets.push(
        new cloudwatch.GraphWidget({
          title: fn.node.path,
          left: [fn.metricInvocations({ period: Duration.minutes(5) }), errors, throttles],
          right: [fn.metricDuration({ period: Duration.minutes(5), statistic: 'p99' })],
        }),
      );
    });
    (props.stateMachines ?? []).forEach((machine, index) => {
      const failed = machine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' });
      const timedOut = machine.metricTimedOut({ period: Duration.minutes(5), statistic: 'Sum' });
      const aborted = machine.metricAborted({ period: Duration.minutes(5), statistic: 'Sum' });
      alarm(
        `StateMachineFailed${index}`,
        failed,
        `${machine.node.path} executions failed: see its execution history`,
      );
      alarm(`StateMachineTimedOut${index}`, timedOut, `${machine.node.path} executions timed out`);
      widgets.push(
        new cloudwatch.GraphWidget({
          title: machine.node.path,
          left: [machine.metricStarted({ period: Duration.minutes(5) }), failed, timedOut, aborted],
        }),
      );
    });
    if (props.telemetryQueue) {
      // Telemetry waiting this long is late on every dashboard and alarm: ingest is failing or too slow.
      alarm(
        'IngestBacklog',
        props.telemetryQueue.metricApproximateAgeOfOldestMessage({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        'Telemetry has waited more than 5 minutes for ingest: check the ingest function and the database',
        300,
      );
      widgets.push(
        new cloudwatch.GraphWidget({
          title: 'Ingest backlog',
          left: [props.telemetryQueue.metricApproximateNumberOfMessagesVisible()],
          right: [props.telemetryQueue.metricApproximateAgeOfOldestMessage()],
        }),
      );
    }
    // Alarm delivery (the functions' embedded metrics, published every minute by the alarm check):
    // a page given up on, or one waiting longer than a minute, means someone may not be paged.
    const delivery = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'Plantwatch',
        metricName,
        dimensionsMap: { service: 'plantwatch' },
        period: Duration.minutes(1),
        statistic: 'Maximum',
      });
    const givenUp = delivery('escalation_intents_failed');
    const waiting = delivery('escalation_intent_oldest_pending_seconds');
    alarm(
      'EscalationIntentsFailed',
      givenUp,
      'An alarm could not start its escalation chain after every retry: someone was not paged. See GET /v1/alarms/{ruleId}/escalations and the alarm check logs',
    );
    alarm(
      'EscalationIntentsPending',
      waiting,
      'An escalation chain has waited more than 60 s to start: Step Functions is failing or throttled',
      60,
    );
    const canaryFailures = new cloudwatch.Metric({
      namespace: 'Plantwatch',
      metricName: 'service_canary_failures',
      dimensionsMap: { service: 'plantwatch' },
      period: Duration.minutes(5),
      statistic: 'Sum',
    });
    alarm(
      'ServiceCanaryFailures',
      canaryFailures,
      "The service canary's synthetic alarm was not paged within a minute: alarm delivery is broken end to end (see the alarm check logs)",
    );
    widgets.push(
      new cloudwatch.GraphWidget({
        title: 'Alarm delivery',
        left: [delivery('escalation_intents_pending'), givenUp],
        right: [waiting, canaryFailures],
      }),
    );
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
      widgets: chunk(widgets, 3),
    });
  }
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const rows: T[][] = [];
  for (let start = 0; start < items.length; start += size) rows.push(items.slice(start, start + size));
  return rows;
}
