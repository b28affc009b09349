// Timestream rollups (telemetryStore=timestream only): the 1-minute and 1-hour rollup tables the
// telemetry adapter's `series` reads, and the scheduled queries that fill them from the raw table
// with the SQL the adapter owns (`timestreamRollupQueries`): a regular query per width every 5 minutes
// over the last interval plus a lateness margin, and a daily catch-up over the memory retention.
// Each query reports its runs to an SNS topic and writes its error reports to an S3 bucket.
import {
  ROLLUP_CATCH_UP_EVERY_MS,
  type RollupWidth,
  timestreamRollupQueries,
} from '@plantwatch/functions/telemetry/adapters/timestream/index';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as timestream from 'aws-cdk-lib/aws-timestream';
import { Construct } from 'constructs';
import { grantOnAnyResource } from './wildcards.ts';

export interface TimestreamRollupsProps {
  readonly database: timestream.CfnDatabase;
  /** The raw telemetry table the queries read. */
  readonly table: timestream.CfnTable;
  readonly memoryRetentionHours: number;
  readonly magneticRetentionDays: number;
  /** Where the error-report bucket writes its access logs. */
  readonly accessLogsBucket: s3.IBucket;
  /** How often the regular queries run (default every 5 minutes; each covers that plus 15 minutes). */
  readonly every?: Duration;
}

/** The rollup widths, their table suffixes (the adapter reads `<table>_1m` and `<table>_1h`). */
export const ROLLUP_WIDTHS: Readonly<Record<RollupWidth, string>> = { minute: '_1m', hour: '_1h' };
export type { RollupWidth };

/** The columns the rollup SQL selects besides the dimensions and `time`, with their Timestream types. */
export const ROLLUP_MEASURES: ReadonlyArray<readonly [string, 'BIGINT' | 'DOUBLE' | 'VARCHAR']> = [
  ['cnt', 'BIGINT'],
  ['num_cnt', 'BIGINT'],
  ['sum', 'DOUBLE'],
  ['min', 'DOUBLE'],
  ['max', 'DOUBLE'],
  ['first_ts', 'BIGINT'],
  ['first_kind', 'BIGINT'],
  ['first_num', 'DOUBLE'],
  ['first_txt', 'VARCHAR'],
  ['last_ts', 'BIGINT'],
  ['last_kind', 'BIGINT'],
  ['last_num', 'DOUBLE'],
  ['last_txt', 'VARCHAR'],
];
/** Timestream's notification types that need a human: failed runs, and a query updated (disabled). */
export const ROLLUP_FAILURE_NOTIFICATIONS = [
  'AUTO_TRIGGER_FAILURE',
  'MANUAL_TRIGGER_FAILURE',
  'SCHEDULED_QUERY_UPDATE',
] as const;

export const ROLLUP_DIMENSIONS = ['tenant_id', 'site_id', 'gateway_id', 'device_key', 'tag_key'] as const;

/** `rate(1 minute)`, `rate(5 minutes)`, `rate(1 day)`: the unit is singular for 1, as EventBridge requires. */
export function rateExpression(every: Duration): string {
  const minutes = every.toMinutes();
  const [count, unit] = minutes % 1440 === 0 ? [minutes / 1440, 'day'] : [minutes, 'minute'];
  return `rate(${count} ${unit}${count === 1 ? '' : 's'})`;
}

export class TimestreamRollups extends Construct {
  readonly tables: Readonly<Record<RollupWidth, timestream.CfnTable>>;
  /** The regular queries, every `every`. */
  readonly queries: Readonly<Record<RollupWidth, timestream.CfnScheduledQuery>>;
  /** The daily catch-up queries, for points later than the regular window. */
  readonly catchUpQueries: Readonly<Record<RollupWidth, timestream.CfnScheduledQuery>>;
  readonly executionRole: iam.Role;
  /** How often the regular queries run: the functions read the newer tail of a chart raw (env). */
  readonly every: Duration;
  /** Every run's outcome (Timestream publishes one message per run); subscribe to watch failures. */
  readonly notificationTopic: sns.Topic;
  readonly errorReportsBucket: s3.Bucket;
  /**
   * The runs that failed and the queries Timestream changed (it disables a query on an error it
   * cannot recover from): a queue Operations alarms on as soon as anything is in it.
   */
  readonly failureQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: TimestreamRollupsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const every = props.every ?? Duration.minutes(5);
    this.every = every;

    this.notificationTopic = new sns.Topic(this, 'Notifications', {
      displayName: 'Plantwatch Timestream rollup runs',
      enforceSSL: true,
    });
    this.failureQueue = new sqs.Queue(this, 'Failures', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failureQueue).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason: 'Nothing consumes this queue: it holds failure notices for a human, like a dead-letter queue.',
    });
    this.notificationTopic.addSubscription(
      new subscriptions.SqsSubscription(this.failureQueue, {
        rawMessageDelivery: true,
        filterPolicyWithMessageBody: {
          type: sns.FilterOrPolicy.filter(
            sns.SubscriptionFilter.stringFilter({ allowlist: [...ROLLUP_FAILURE_NOTIFICATIONS] }),
          ),
        },
      }),
    );
    this.errorReportsBucket = new s3.Bucket(this, 'ErrorReports', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'rollup-errors/',
      lifecycleRules: [{ expiration: Duration.days(30) }],
      // Retained like every bucket here (a non-empty bucket would fail the stack's deletion).
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const tables = {} as Record<RollupWidth, timestream.CfnTable>;
    for (const [width, suffix] of Object.entries(ROLLUP_WIDTHS) as [RollupWidth, string][]) {
      tables[width] = new timestream.CfnTable(this, `${width === 'minute' ? 'Minute' : 'Hour'}Table`, {
        databaseName: props.database.ref,
        tableName: `${props.table.attrName}${suffix}`,
        retentionProperties: {
          MemoryStoreRetentionPeriodInHours: String(props.memoryRetentionHours),
          MagneticStoreRetentionPeriodInDays: String(props.magneticRetentionDays),
        },
        // The daily catch-up rewrites buckets up to the memory retention (at most a week) plus a day
        // back, in the magnetic store.
        magneticStoreWriteProperties: { EnableMagneticStoreWrites: true },
      });
      Validations.of(tables[width]).acknowledge({
        id: 'CloudFormation-Validate::W3697',
        reason:
          'Timestream is the store the product was asked for on AWS (maintenance mode since 2025-06-20); ' +
          'telemetryStore=postgres has no Timestream resources. See docs/deploy-aws.md.',
      });
    }
    this.tables = tables;

    this.executionRole = new iam.Role(this, 'ExecutionRole', {
      description: 'Runs the Plantwatch rollup scheduled queries',
      assumedBy: new iam.ServicePrincipal('timestream.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    });
    this.executionRole.addToPolicy(
      new iam.PolicyStatement({ actions: ['timestream:Select'], resources: [props.table.attrArn] }),
    );
    this.executionRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['timestream:WriteRecords'],
        resources: Object.values(tables).map((table) => table.attrArn),
      }),
    );
    grantOnAnyResource(
      this.executionRole,
      ['timestream:DescribeEndpoints'],
      'Timestream endpoint discovery supports no resource-level permissions',
    );
    this.notificationTopic.grantPublish(this.executionRole);
    this.executionRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [this.errorReportsBucket.arnForObjects('rollups/*')],
      }),
    );
    this.executionRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetBucketAcl'],
        resources: [this.errorReportsBucket.bucketArn],
      }),
    );
    Validations.of(this.executionRole).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.errorReportsBucket.node.defaultChild as s3.CfnBucket)}.Arn>/rollups/*]`,
      reason:
        'Error reports are objects Timestream names per run, under the rollups/ prefix of this bucket only.',
    });

    const sql = timestreamRollupQueries(props.database.ref, props.table.attrName, {
      everyMs: every.toMilliseconds(),
      memoryRetentionMs: props.memoryRetentionHours * 3_600_000,
    });
    const scheduledQuery = (width: RollupWidth, kind: 'regular' | 'catchUp') => {
      const id = `${width === 'minute' ? 'Minute' : 'Hour'}${kind === 'catchUp' ? 'CatchUp' : ''}Query`;
      const rate = kind === 'regular' ? every : Duration.millis(ROLLUP_CATCH_UP_EVERY_MS);
      const query = new timestream.CfnScheduledQuery(this, id, {
        queryString: sql[kind][width],
        scheduleConfiguration: { scheduleExpression: rateExpression(rate) },
        scheduledQueryExecutionRoleArn: this.executionRole.roleArn,
        notificationConfiguration: { snsConfiguration: { topicArn: this.notificationTopic.topicArn } },
        errorReportConfiguration: {
          s3Configuration: {
            bucketName: this.errorReportsBucket.bucketName,
            objectKeyPrefix: 'rollups',
            encryptionOption: 'SSE_S3',
          },
        },
        targetConfiguration: {
          timestreamConfiguration: {
            databaseName: props.database.ref,
            tableName: tables[width].attrName,
            timeColumn: 'time',
            dimensionMappings: ROLLUP_DIMENSIONS.map((name) => ({ name, dimensionValueType: 'VARCHAR' })),
            multiMeasureMappings: {
              targetMultiMeasureName: 'rollup',
              multiMeasureAttributeMappings: ROLLUP_MEASURES.map(([sourceColumn, measureValueType]) => ({
                sourceColumn,
                measureValueType,
              })),
            },
          },
        },
      });
      // Timestream checks the role when it creates the query: the policy must exist first.
      query.node.addDependency(this.executionRole);
      Validations.of(query).acknowledge({
        id: 'CloudFormation-Validate::W3697',
        reason:
          'Timestream is the store the product was asked for on AWS (maintenance mode since 2025-06-20); ' +
          'telemetryStore=postgres has no Timestream resources. See docs/deploy-aws.md.',
      });
      return query;
    };
    this.queries = { minute: scheduledQuery('minute', 'regular'), hour: scheduledQuery('hour', 'regular') };
    this.catchUpQueries = {
      minute: scheduledQuery('minute', 'catchUp'),
      hour: scheduledQuery('hour', 'catchUp'),
    };
  }
}
