// Operations: alarms on what means data is being lost or users see errors, a budget, and one dashboard
// (the service's own metrics on it come from service-dashboard.ts).
import { Aws, CfnCondition, Duration, Fn } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { serviceMetricWidgets } from './service-dashboard.ts';

export interface OperationsProps {
  readonly functions: readonly lambda.IFunction[];
  /** Queues whose depth above zero means messages are waiting for a human. */
  readonly deadLetterQueues: readonly sqs.IQueue[];
  /** The ingest queue: its oldest message's age shows ingest falling behind. */
  readonly telemetryQueue?: sqs.IQueue;
  /** State machines whose failed, timed-out or aborted executions mean someone was not paged. */
  readonly stateMachines?: readonly sfn.IStateMachine[];
  /** The ingest stream: its iterator age shows ingest falling behind, write throttling a stream too small. */
  readonly telemetryStream?: kinesis.IStream;
  /** Aurora: capacity at its maximum, connections near the budget. */
  readonly database?: { cluster: rds.DatabaseCluster; maxAcu: number; connectionBudget: number };
  /** Timestream (telemetryStore=timestream): its system and user errors. */
  readonly timestream?: { database: string; table: string };
  readonly httpApi?: apigwv2.IHttpApi;
  /** The web app's origin and distribution: 5xx errors users see. */
  readonly webOrigin?: elbv2.IApplicationLoadBalancer;
  readonly distribution?: cloudfront.Distribution;
  /** A monthly cost budget: the topic hears at 80 % actual and 100 % forecast. */
  readonly monthlyBudgetUsd?: number;
}

export class Operations extends Construct {
  /** Subscribe the on-call people (e-mail, chat) to this topic. */
  readonly alarmTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;
  readonly budget?: budgets.CfnBudget;

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
    // The service's own metrics (ingest, alarms, pages, reports, API, gateways) and their alarms.
    widgets.push(...serviceMetricWidgets(alarm));
    this.#serviceAlarms(props, alarm, widgets);
    if (props.monthlyBudgetUsd) this.budget = this.#budget(props.monthlyBudgetUsd);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
      widgets: chunk(widgets, 3),
    });
  }

  /** The ingest stream, Aurora, Timestream, the API and the web app. */
  #serviceAlarms(props: OperationsProps, alarm: AlarmFactory, widgets: cloudwatch.IWidget[]): void {
    const minutes = (n: number) => Duration.minutes(n);
    if (props.telemetryStream) {
      const age = props.telemetryStream.metricGetRecordsIteratorAgeMilliseconds({
        period: minutes(1),
        statistic: 'Maximum',
      });
      alarm(
        'IngestStreamBehind',
        age,
        'Telemetry has waited more than 5 minutes in the stream: ingest is failing or too slow (see the ingest function and the database)',
        300_000,
      );
      const throttled = props.telemetryStream.metricWriteProvisionedThroughputExceeded({
        period: minutes(5),
        statistic: 'Sum',
      });
      alarm(
        'IngestStreamThrottled',
        throttled,
        'The telemetry rule was throttled writing to the stream: raise loadSites (more shards) and redeploy; failed puts are in the rule error queue',
      );
      widgets.push(new cloudwatch.GraphWidget({ title: 'Ingest stream', left: [age], right: [throttled] }));
    }
    if (props.database) {
      const { cluster, maxAcu, connectionBudget } = props.database;
      const capacity = cluster.metricServerlessDatabaseCapacity({ period: minutes(5), statistic: 'Maximum' });
      alarm(
        'AuroraAtMaximumCapacity',
        capacity,
        `Aurora has run at its maximum capacity (${maxAcu} ACU): raise auroraMaxAcu and redeploy`,
        maxAcu * 0.95,
      );
      const connections = cluster.metricDatabaseConnections({ period: minutes(5), statistic: 'Maximum' });
      alarm(
        'AuroraConnections',
        connections,
        `Aurora holds over 90 % of the functions' connection budget (${connectionBudget}): something leaks connections, or a function runs outside its budget`,
        Math.floor(connectionBudget * 0.9),
      );
      widgets.push(new cloudwatch.GraphWidget({ title: 'Aurora', left: [capacity], right: [connections] }));
    }
    if (props.timestream) {
      // An alarm cannot use SEARCH: the ingest path's writes to the points table, by their exact
      // dimensions (Timestream publishes WriteRecords per database, table and operation).
      const errors = (metricName: string) =>
        new cloudwatch.Metric({
          namespace: 'AWS/Timestream',
          metricName,
          dimensionsMap: {
            DatabaseName: props.timestream?.database ?? '',
            TableName: props.timestream?.table ?? '',
            Operation: 'WriteRecords',
          },
          statistic: 'Sum',
          period: minutes(5),
          label: metricName,
        });
      alarm(
        'TimestreamSystemErrors',
        errors('SystemErrors'),
        'Timestream failed requests on its side: writes are retried; check the service health',
      );
      alarm(
        'TimestreamUserErrors',
        errors('UserErrors'),
        'Timestream refused requests (throttling, rejected records): see the ingest logs',
      );
    }
    if (props.httpApi) {
      const serverErrors = props.httpApi.metricServerError({ period: minutes(5), statistic: 'Sum' });
      alarm('Api5xx', serverErrors, 'The API answered with 5xx errors: see the API function logs');
      widgets.push(new cloudwatch.GraphWidget({ title: 'API 5xx', left: [serverErrors] }));
    }
    if (props.webOrigin) {
      const lb = props.webOrigin;
      const origin5xx = new cloudwatch.MathExpression({
        expression: 'target + lb',
        usingMetrics: {
          target: lb.metrics.httpCodeTarget(
            'HTTPCode_Target_5XX_Count' as Parameters<typeof lb.metrics.httpCodeTarget>[0],
            { period: minutes(5), statistic: 'Sum' },
          ),
          lb: lb.metrics.httpCodeElb(
            'HTTPCode_ELB_5XX_Count' as Parameters<typeof lb.metrics.httpCodeElb>[0],
            {
              period: minutes(5),
              statistic: 'Sum',
            },
          ),
        },
        label: 'web 5xx',
        period: minutes(5),
      });
      alarm('Web5xx', origin5xx, 'The web app answered with 5xx errors: see the web function logs');
    }
    if (props.distribution) {
      // CloudFront's metrics exist in us-east-1 only: the alarm is made where the stack is deployed there.
      const usEast1 = new CfnCondition(this, 'InUsEast1', {
        expression: Fn.conditionEquals(Aws.REGION, 'us-east-1'),
      });
      const created = alarm(
        'CloudFront5xx',
        props.distribution.metric5xxErrorRate({ period: minutes(5), statistic: 'Average' }),
        'More than 5 % of web requests failed at CloudFront with a 5xx: see the web function and load balancer',
        5,
      );
      (created.node.defaultChild as cloudwatch.CfnAlarm).cfnOptions.condition = usEast1;
    }
  }

  /** A monthly cost budget telling the operations topic at 80 % of it spent and 100 % forecast. */
  #budget(amountUsd: number): budgets.CfnBudget {
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        actions: ['sns:Publish'],
        principals: [new iam.ServicePrincipal('budgets.amazonaws.com')],
        resources: [this.alarmTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    const subscribers = [{ subscriptionType: 'SNS', address: this.alarmTopic.topicArn }];
    return new budgets.CfnBudget(this, 'MonthlyBudget', {
      budget: {
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: amountUsd, unit: 'USD' },
      },
      notificationsWithSubscribers: [
        {
          notification: {
            notificationType: 'ACTUAL',
            comparisonOperator: 'GREATER_THAN',
            threshold: 80,
            thresholdType: 'PERCENTAGE',
          },
          subscribers,
        },
        {
          notification: {
            notificationType: 'FORECASTED',
            comparisonOperator: 'GREATER_THAN',
            threshold: 100,
            thresholdType: 'PERCENTAGE',
          },
          subscribers,
        },
      ],
    });
  }
}

type AlarmFactory = (
  scopeId: string,
  metric: cloudwatch.IMetric,
  description: string,
  threshold?: number,
) => cloudwatch.Alarm;

function chunk<T>(items: readonly T[], size: number): T[][] {
  const rows: T[][] = [];
  for (let start = 0; start < items.length; start += size) rows.push(items.slice(start, start + size));
  return rows;
}
