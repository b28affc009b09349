import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { logicalId, plantwatchStack } from './support/stack.ts';

describe('the Data construct', () => {
  const { stack, template } = plantwatchStack({ memoryRetentionHours: 12, magneticRetentionDays: 730 });

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
      DatabaseName: 'plantwatch',
    });
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless' });
    template.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', {
      Parameters: { 'rds.force_ssl': '1' },
    });
  });

  it('runs the migrations as a custom resource that reruns when a migration is added', () => {
    template.hasResourceProperties('Custom::PlantwatchMigrations', {
      ServiceToken: {
        'Fn::GetAtt': [logicalId(stack, stack.node.findChild('Data').node.findChild('Migrate')), 'Arn'],
      },
      migrations: Match.stringLikeRegexp('^[0-9a-f]{16}$'),
    });
  });

  it('creates the Timestream table with the retention given in context', () => {
    template.hasResourceProperties('AWS::Timestream::Table', {
      RetentionProperties: {
        MemoryStoreRetentionPeriodInHours: '12',
        MagneticStoreRetentionPeriodInDays: '730',
      },
      MagneticStoreWriteProperties: { EnableMagneticStoreWrites: true },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        // the functions refuse points older than the memory store keeps, so they are told its retention
        Variables: Match.objectLike({
          TELEMETRY_STORE: 'timestream',
          TIMESTREAM_MEMORY_RETENTION_HOURS: '12',
        }),
      },
    });
  });

  it('has no Timestream at all with telemetryStore=postgres, and tells the functions so', () => {
    const { stack: postgresStack, template: postgres } = plantwatchStack({ telemetryStore: 'postgres' });
    postgres.resourceCountIs('AWS::Timestream::Database', 0);
    postgres.resourceCountIs('AWS::Timestream::Table', 0);
    // The web server talks to the API only; every other function opens the stores.
    const web = logicalId(postgresStack, postgresStack.web.serverFunction);
    const functions = Object.entries(postgres.findResources('AWS::Lambda::Function'))
      .filter(([id]) => id !== web)
      .map(([, fn]) => fn);
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      expect(fn.Properties.Environment.Variables.TELEMETRY_STORE).toBe('postgres');
      expect(fn.Properties.Environment.Variables.TIMESTREAM_TABLE).toBeUndefined();
    }
  });

  it('refuses an unknown telemetry store with a clear message', () => {
    expect(() => plantwatchStack({ telemetryStore: 'influx' })).toThrow(
      'context telemetryStore=influx must be "timestream" or "postgres"',
    );
  });
});
