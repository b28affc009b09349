// The rollup scheduled queries: created only with telemetryStore=timestream, with the adapter's SQL,
// writing the tables the adapter reads, reporting to their topic and bucket, run by a narrow role.
import { timestreamRollupQueries } from '@plantwatch/functions/telemetry/adapters/timestream/index';
import { Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  ROLLUP_DIMENSIONS,
  ROLLUP_FAILURE_NOTIFICATIONS,
  ROLLUP_MEASURES,
  rateExpression,
} from '../src/timestream-rollups.ts';
import { logicalId, plantwatchStack } from './support/stack.ts';

describe('the Timestream rollups with telemetryStore=timestream', () => {
  const { stack, template } = plantwatchStack({ telemetryStore: 'timestream', memoryRetentionHours: 6 });
  const rollups = stack.data.rollups;
  if (!rollups || !stack.data.timestreamTable || !stack.data.timestreamDatabase) {
    throw new Error('timestream mode builds the rollups');
  }
  const raw = stack.data.timestreamTable;

  const sql = timestreamRollupQueries(stack.data.timestreamDatabase.ref, raw.attrName, {
    everyMs: 5 * 60_000,
    memoryRetentionMs: 6 * 3_600_000,
  });

  it.each([
    ['minute', 'regular', '_1m', 60_000, 'rate(5 minutes)', 20 * 60_000],
    ['hour', 'regular', '_1h', 3_600_000, 'rate(5 minutes)', 20 * 60_000],
    ['minute', 'catchUp', '_1m', 60_000, 'rate(1 day)', 30 * 3_600_000],
    ['hour', 'catchUp', '_1h', 3_600_000, 'rate(1 day)', 30 * 3_600_000],
  ] as const)(
    'fills the %s table with the adapter SQL (%s: <table>%s, bin %i ms, %s, looking back %i ms)',
    (width, kind, suffix, widthMs, schedule, lookbackMs) => {
      const query = (kind === 'regular' ? rollups.queries : rollups.catchUpQueries)[width];
      const resolved = stack.resolve(query.queryString) as unknown;
      expect(resolved).toEqual(stack.resolve(sql[kind][width]));
      expect(JSON.stringify(resolved)).toContain(
        `time >= bin(@scheduled_runtime - ${lookbackMs}ms, ${widthMs}ms) AND time < @scheduled_runtime`,
      );
      expect(JSON.stringify(resolved)).toContain(`bin(time, ${widthMs}ms)`);

      template.hasResourceProperties('AWS::Timestream::Table', {
        TableName: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack, raw), 'Name'] }, suffix]] },
        RetentionProperties: { MemoryStoreRetentionPeriodInHours: '6' },
        MagneticStoreWriteProperties: { EnableMagneticStoreWrites: true },
      });
      template.hasResourceProperties('AWS::Timestream::ScheduledQuery', {
        ScheduleConfiguration: { ScheduleExpression: schedule },
        ScheduledQueryExecutionRoleArn: { 'Fn::GetAtt': [logicalId(stack, rollups.executionRole), 'Arn'] },
        NotificationConfiguration: {
          SnsConfiguration: { TopicArn: { Ref: logicalId(stack, rollups.notificationTopic) } },
        },
        ErrorReportConfiguration: {
          S3Configuration: {
            BucketName: { Ref: logicalId(stack, rollups.errorReportsBucket) },
            EncryptionOption: 'SSE_S3',
          },
        },
        TargetConfiguration: {
          TimestreamConfiguration: {
            TableName: { 'Fn::GetAtt': [logicalId(stack, rollups.tables[width]), 'Name'] },
            TimeColumn: 'time',
            DimensionMappings: ROLLUP_DIMENSIONS.map((Name) => ({ Name, DimensionValueType: 'VARCHAR' })),
            MultiMeasureMappings: {
              TargetMultiMeasureName: 'rollup',
              MultiMeasureAttributeMappings: ROLLUP_MEASURES.map(([SourceColumn, MeasureValueType]) => ({
                SourceColumn,
                MeasureValueType,
              })),
            },
          },
        },
      });
    },
  );

  it('maps every column the SQL selects besides time and the dimensions to a measure', () => {
    const sql = timestreamRollupQueries('db', 'table', { everyMs: 300_000, memoryRetentionMs: 86_400_000 })
      .regular.minute;
    const selected = [...sql.matchAll(/AS (\w+)/g)].map((match) => match[1]);
    expect(selected.filter((column) => column !== 'time').sort()).toEqual(
      ROLLUP_MEASURES.map(([column]) => column).sort(),
    );
    for (const dimension of ROLLUP_DIMENSIONS) expect(sql).toContain(dimension);
  });

  it('lets Timestream (this account only) read the raw table and write only the rollup tables', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'timestream.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ],
      },
    });
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: logicalId(stack, rollups.executionRole) }] },
    });
    const statements = Object.values(policies).flatMap(
      (policy) =>
        policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
    const resourcesOf = (action: string) =>
      statements.filter((s) => [s.Action].flat().includes(action)).map((s) => s.Resource);
    expect(resourcesOf('timestream:Select')).toEqual([{ 'Fn::GetAtt': [logicalId(stack, raw), 'Arn'] }]);
    expect(resourcesOf('timestream:WriteRecords')).toEqual([
      [
        { 'Fn::GetAtt': [logicalId(stack, rollups.tables.minute), 'Arn'] },
        { 'Fn::GetAtt': [logicalId(stack, rollups.tables.hour), 'Arn'] },
      ],
    ]);
    expect(resourcesOf('sns:Publish')).toEqual([{ Ref: logicalId(stack, rollups.notificationTopic) }]);
  });

  it('lets the functions that read telemetry select from the rollup tables', () => {
    const rollupArns = [
      { 'Fn::GetAtt': [logicalId(stack, rollups.tables.minute), 'Arn'] },
      { 'Fn::GetAtt': [logicalId(stack, rollups.tables.hour), 'Arn'] },
    ];
    const readers = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
      (policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]).some(
        (s) =>
          [s.Action].flat().includes('timestream:Select') &&
          JSON.stringify(s.Resource) === JSON.stringify(rollupArns),
      ),
    );
    expect(readers.length).toBeGreaterThan(0);
  });

  it('queues failed runs and disabled queries, and Operations alarms on the first one', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      TopicArn: { Ref: logicalId(stack, rollups.notificationTopic) },
      Endpoint: { 'Fn::GetAtt': [logicalId(stack, rollups.failureQueue), 'Arn'] },
      RawMessageDelivery: true,
      FilterPolicyScope: 'MessageBody',
      FilterPolicy: { type: [...ROLLUP_FAILURE_NOTIFICATIONS] },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack, rollups.failureQueue), 'QueueName'] } },
      ],
      Threshold: 0,
      AlarmActions: [{ Ref: logicalId(stack, stack.operations.alarmTopic) }],
    });
  });

  it('keeps error reports in a private, encrypted, TLS-only bucket that expires them', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 30 })] },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'rollup-errors/' }),
    });
  });
});

describe('the rollup schedule', () => {
  it.each([
    [1, 'rate(1 minute)'],
    [5, 'rate(5 minutes)'],
    [60, 'rate(60 minutes)'],
    [1440, 'rate(1 day)'],
  ])('runs every %i minutes as %s', (minutes, expression) => {
    expect(rateExpression(Duration.minutes(minutes))).toBe(expression);
  });

  it('follows rollupEveryMinutes from context', () => {
    const { template } = plantwatchStack({ telemetryStore: 'timestream', rollupEveryMinutes: 15 });
    const schedules = Object.values(template.findResources('AWS::Timestream::ScheduledQuery')).map(
      (query) => query.Properties.ScheduleConfiguration.ScheduleExpression,
    );
    expect(schedules.sort()).toEqual(['rate(1 day)', 'rate(1 day)', 'rate(15 minutes)', 'rate(15 minutes)']);
    // The functions read the tail the runs have not covered yet from raw records: they know the interval.
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ TELEMETRY_STORE: 'timestream', TIMESTREAM_ROLLUP_EVERY_MINUTES: '15' }),
      },
    });
  });
});

describe('the Timestream rollups with telemetryStore=postgres', () => {
  const { stack, template } = plantwatchStack({ telemetryStore: 'postgres' });

  it('are not created: no rollup tables, queries or their role', () => {
    expect(stack.data.rollups).toBeUndefined();
    template.resourceCountIs('AWS::Timestream::ScheduledQuery', 0);
    template.resourceCountIs('AWS::Timestream::Table', 0);
    expect(Stack.of(stack).node.tryFindChild('Data')?.node.tryFindChild('Rollups')).toBeUndefined();
  });
});
