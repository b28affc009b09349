import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { logicalId, plantwatchStack } from './support/stack.ts';

describe('the Data construct', () => {
  const { stack, template } = plantwatchStack();
  const timestreamStack = plantwatchStack({
    telemetryStore: 'timestream',
    memoryRetentionHours: 12,
    magneticRetentionDays: 730,
  });

  it('blocks public access to the reports bucket, encrypts it, forces TLS and expires reports', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 400, Status: 'Enabled' })]),
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'reports/' }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(stack, stack.data.reportsBucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('runs Aurora PostgreSQL Serverless v2, encrypted, in isolated subnets, with TLS forced', () => {
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      StorageEncrypted: true,
      DeletionProtection: true,
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 4 },
      StorageType: Match.stringLikeRegexp('^aurora'),
      DatabaseName: 'plantwatch',
    });
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless' });
    template.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', {
      Parameters: { 'rds.force_ssl': '1' },
    });
  });

  it('runs the migrations once per deploy, in one custom resource every function that opens the database waits for', () => {
    template.resourceCountIs('Custom::PlantwatchMigrations', 1);
    template.hasResourceProperties('Custom::PlantwatchMigrations', {
      ServiceToken: { 'Fn::GetAtt': [logicalId(stack, stack.data.migrateFunction), 'Arn'] },
      migrations: Match.stringLikeRegexp('^[0-9a-f]{16}$'),
      telemetryStore: 'postgres',
    });
    const resources = template.toJSON().Resources;
    const migrations = logicalId(stack, stack.data.migrations);
    for (const { fn } of stack.databaseUses) {
      const resource = resources[logicalId(stack, fn)];
      // no drizzle folder in its bundle, and updated only after the migrations ran
      expect(resource.Properties.Handler, fn.node.path).toBe('index.handler');
      expect(resource.DependsOn, fn.node.path).toContain(migrations);
    }
    // Only the migrations function carries the migrations, and only it reads the owner's secret.
    expect(resources[logicalId(stack, stack.data.migrateFunction)].Properties.Handler).toBe(
      'functions/src/lambda/index.handler',
    );
    const ownerSecret = logicalId(stack, stack.data.ownerSecret);
    const readers = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties.PolicyDocument).includes(ownerSecret),
    );
    expect(readers.map((policy) => policy.Properties.Roles)).toEqual([
      [{ Ref: logicalId(stack, stack.data.migrateFunction.role as never) }],
    ]);
  });

  it("gives the functions their own login, and rotates it (alternating users) and the owner's every 30 days", () => {
    const functionsSecret = logicalId(stack, stack.data.databaseSecret);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          DATABASE_SECRET_ARN: { Ref: Match.stringLikeRegexp('FunctionsLogin') },
          DATABASE_TELEMETRY_ROLE: 'plantwatch_telemetry',
          TELEMETRY_RETENTION_DAYS: '35',
        }),
      },
    });
    const login = Object.entries(template.findResources('AWS::SecretsManager::Secret')).find(([id]) =>
      id.startsWith('DataFunctionsLogin'),
    );
    // its own user, and the owner's secret the alternating-users rotation clones it with
    expect(JSON.stringify(login?.[1].Properties.GenerateSecretString.SecretStringTemplate)).toMatch(
      /plantwatch_service.*masterarn/,
    );
    const schedules = Object.values(template.findResources('AWS::SecretsManager::RotationSchedule'));
    expect(schedules).toHaveLength(2);
    for (const schedule of schedules) {
      expect(schedule.Properties.RotationRules).toEqual({ ScheduleExpression: 'rate(30 days)' });
      // the first rotation clones the login the migrations made
      expect(schedule.DependsOn).toContain(logicalId(stack, stack.data.migrations));
    }
    expect(JSON.stringify(schedules)).toContain(functionsSecret.slice(0, 20));
  });

  it('with Timestream: the migrations resource gets the table, and the scheduled queries wait for its schema record', () => {
    const { stack: ts, template: tsTemplate } = timestreamStack;
    const table = ts.data.timestreamTable;
    if (!table) throw new Error('telemetryStore=timestream has a table');
    const migrate = tsTemplate.toJSON().Resources[logicalId(ts, ts.data.migrateFunction)];
    expect(migrate.Properties.Environment.Variables).toMatchObject({
      TELEMETRY_STORE: 'timestream',
      TIMESTREAM_DATABASE: { Ref: logicalId(ts, ts.data.timestreamDatabase as never) },
      TIMESTREAM_TABLE: { 'Fn::GetAtt': [logicalId(ts, table), 'Name'] },
    });
    const queries = Object.values(tsTemplate.findResources('AWS::Timestream::ScheduledQuery'));
    expect(queries).toHaveLength(4);
    for (const query of queries) expect(query.DependsOn).toContain(logicalId(ts, ts.data.migrations));
  });

  it('creates the Timestream table with the retention given in context', () => {
    const { template: tsTemplate } = timestreamStack;
    tsTemplate.hasResourceProperties('AWS::Timestream::Table', {
      RetentionProperties: {
        MemoryStoreRetentionPeriodInHours: '12',
        MagneticStoreRetentionPeriodInDays: '730',
      },
      MagneticStoreWriteProperties: { EnableMagneticStoreWrites: true },
    });
    tsTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        // the functions refuse points older than the memory store keeps, so they are told its retention
        Variables: Match.objectLike({
          TELEMETRY_STORE: 'timestream',
          TIMESTREAM_MEMORY_RETENTION_HOURS: '12',
        }),
      },
    });
  });

  it('has no Timestream at all by default (PostgreSQL telemetry), and tells the functions so', () => {
    template.resourceCountIs('AWS::Timestream::Database', 0);
    template.resourceCountIs('AWS::Timestream::Table', 0);
    // The web server talks to the API only; every other function opens the stores.
    const web = logicalId(stack, stack.web.serverFunction);
    const functions = Object.entries(template.findResources('AWS::Lambda::Function'))
      .filter(([id]) => id !== web && !id.includes('Rotation'))
      .map(([, fn]) => fn);
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      expect(fn.Properties.Environment.Variables.TELEMETRY_STORE).toBe('postgres');
      expect(fn.Properties.Environment.Variables.TIMESTREAM_TABLE).toBeUndefined();
    }
  });

  it('refuses an unknown telemetry store with a clear message', () => {
    expect(() => plantwatchStack({ telemetryStore: 'influx' })).toThrow(
      'context telemetryStore=influx must be "postgres" or "timestream"',
    );
  });
});
