// The stores: Aurora PostgreSQL Serverless v2 (config, and telemetry with telemetryStore=postgres),
// its migrations as a custom resource, Timestream (telemetryStore=timestream), the reports bucket.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { CustomResource, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as timestream from 'aws-cdk-lib/aws-timestream';
import { Construct, type IConstruct } from 'constructs';
import { PlantwatchFunction, repoRoot } from './house-function.ts';
import { TimestreamRollups } from './timestream-rollups.ts';

export type TelemetryStoreKind = 'timestream' | 'postgres';

export interface DataProps {
  readonly vpc: ec2.IVpc;
  readonly functionSecurityGroup: ec2.ISecurityGroup;
  readonly telemetryStore: TelemetryStoreKind;
  /** Timestream memory store (hot, writable) retention in hours. */
  readonly memoryRetentionHours: number;
  /** Timestream magnetic store retention in days. */
  readonly magneticRetentionDays: number;
  readonly minCapacityAcu: number;
  readonly maxCapacityAcu: number;
  /** How long generated reports are kept in S3. */
  readonly reportRetentionDays: number;
  /** How often the Timestream rollup queries run (default 5 minutes). */
  readonly rollupEvery?: Duration;
}

export const DATABASE_NAME = 'plantwatch';

/** A fingerprint of the migration files: a new migration changes it, so the custom resource runs again. */
function migrationsFingerprint(): string {
  const folder = `${repoRoot}functions/drizzle`;
  const hash = createHash('sha256');
  for (const name of readdirSync(folder)
    .filter((file) => file.endsWith('.sql'))
    .sort()) {
    hash.update(name).update(readFileSync(`${folder}/${name}`));
  }
  return hash.digest('hex').slice(0, 16);
}

export class Data extends Construct {
  readonly cluster: rds.DatabaseCluster;
  readonly reportsBucket: s3.Bucket;
  /** Set with telemetryStore=timestream. */
  readonly timestreamDatabase?: timestream.CfnDatabase;
  readonly timestreamTable?: timestream.CfnTable;
  /** The rollup tables and their scheduled queries (telemetryStore=timestream). */
  readonly rollups?: TimestreamRollups;
  /** Server access logs of the buckets here. */
  readonly accessLogsBucket: s3.Bucket;
  private readonly memoryRetentionHours: number;
  /** Environment every function that opens the config store needs. */
  readonly databaseEnvironment: Record<string, string>;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);
    this.memoryRetentionHours = props.memoryRetentionHours;

    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_17_7 }),
      writer: rds.ClusterInstance.serverlessV2('Writer'),
      serverlessV2MinCapacity: props.minCapacityAcu,
      serverlessV2MaxCapacity: props.maxCapacityAcu,
      defaultDatabaseName: DATABASE_NAME,
      credentials: rds.Credentials.fromGeneratedSecret('plantwatch_owner'),
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      storageEncrypted: true,
      iamAuthentication: true,
      deletionProtection: true,
      backup: { retention: Duration.days(7) },
      cloudwatchLogsExports: ['postgresql'],
      parameterGroup: new rds.ParameterGroup(this, 'Parameters', {
        engine: rds.DatabaseClusterEngine.auroraPostgres({
          version: rds.AuroraPostgresEngineVersion.VER_17_7,
        }),
        parameters: { 'rds.force_ssl': '1' },
      }),
      removalPolicy: RemovalPolicy.SNAPSHOT,
    });
    this.cluster.connections.allowDefaultPortFrom(props.functionSecurityGroup, 'Plantwatch functions');
    const secret = this.cluster.secret;
    if (!secret) throw new Error('the cluster was given generated credentials, so it has a secret');
    Validations.of(this.cluster).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-RDS10',
        reason: 'Deletion protection is on; the removal policy snapshots the cluster as well.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-RDS14',
        reason: 'Backtrack is not available for Aurora PostgreSQL; point-in-time recovery covers it.',
      },
    );
    // cluster.secret is the secret's attachment; the secret itself is the cluster's child.
    Validations.of(this.cluster).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'Rotation needs a rotation Lambda in the VPC; the owner password is used only by the functions and the ' +
        'migrations. Tracked for the operations hardening issue.',
    });

    this.databaseEnvironment = {
      DATABASE_SECRET_ARN: secret.secretArn,
      DATABASE_HOST: this.cluster.clusterEndpoint.hostname,
      DATABASE_PORT: this.cluster.clusterEndpoint.port.toString(),
      DATABASE_NAME,
    };

    const migrations = new PlantwatchFunction(this, 'Migrate', {
      entry: 'functions/src/lambda/migrate.ts',
      description: 'Applies the config store migrations (CloudFormation custom resource)',
      timeout: Duration.minutes(5),
      withMigrations: true,
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [props.functionSecurityGroup],
      environment: { ...this.databaseEnvironment, TELEMETRY_STORE: props.telemetryStore },
    });
    secret.grantRead(migrations);
    const migrate = new CustomResource(this, 'Migrations', {
      serviceToken: migrations.functionArn,
      resourceType: 'Custom::PlantwatchMigrations',
      properties: { migrations: migrationsFingerprint() },
    });
    migrate.node.addDependency(this.cluster);

    if (props.telemetryStore === 'timestream') {
      this.timestreamDatabase = new timestream.CfnDatabase(this, 'TelemetryDatabase', {});
      this.timestreamTable = new timestream.CfnTable(this, 'TelemetryTable', {
        databaseName: this.timestreamDatabase.ref,
        retentionProperties: {
          MemoryStoreRetentionPeriodInHours: String(props.memoryRetentionHours),
          MagneticStoreRetentionPeriodInDays: String(props.magneticRetentionDays),
        },
        // Late points (a gateway replaying its buffer after a long outage) go to the magnetic store.
        magneticStoreWriteProperties: { EnableMagneticStoreWrites: true },
      });
      for (const resource of [this.timestreamDatabase, this.timestreamTable]) {
        Validations.of(resource).acknowledge({
          id: 'CloudFormation-Validate::W3697',
          reason:
            'Timestream is the store the product was asked for on AWS; accounts that cannot use it (closed to new ' +
            'customers on 2025-06-20) deploy with -c telemetryStore=postgres. See docs/deploy-aws.md.',
        });
      }
      Validations.of(this.timestreamDatabase).acknowledge({
        id: 'AwsSolutions::AwsSolutions-TS3',
        reason:
          'Encrypted at rest with the AWS managed key; a customer key adds cost and no control we use yet.',
      });
    }

    const accessLogs = new s3.Bucket(this, 'ReportsAccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason: 'This is the access log bucket; logging it to itself would loop.',
    });
    this.reportsBucket = new s3.Bucket(this, 'Reports', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: false,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'reports/',
      lifecycleRules: [
        { expiration: Duration.days(props.reportRetentionDays) },
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.accessLogsBucket = accessLogs;

    if (this.timestreamDatabase && this.timestreamTable) {
      this.rollups = new TimestreamRollups(this, 'Rollups', {
        database: this.timestreamDatabase,
        table: this.timestreamTable,
        memoryRetentionHours: props.memoryRetentionHours,
        magneticRetentionDays: props.magneticRetentionDays,
        accessLogsBucket: accessLogs,
        ...(props.rollupEvery ? { every: props.rollupEvery } : {}),
      });
    }
  }

  /** Lets `grantee` write and query telemetry in Timestream (the Postgres store needs only the secret). */
  grantTelemetry(grantee: iam.IGrantable & IConstruct): void {
    if (!this.timestreamTable) return;
    Validations.of(grantee).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'timestream:DescribeEndpoints (endpoint discovery) supports no resource-level permissions.',
    });
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['timestream:WriteRecords', 'timestream:Select', 'timestream:DescribeTable'],
        resources: [this.timestreamTable.attrArn],
      }),
    );
    if (this.rollups) {
      // Charts over longer ranges read the rollup tables the scheduled queries write.
      const { minute, hour } = this.rollups.tables;
      grantee.grantPrincipal.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['timestream:Select', 'timestream:DescribeTable'],
          resources: [minute.attrArn, hour.attrArn],
        }),
      );
    }
    grantee.grantPrincipal.addToPrincipalPolicy(
      // Timestream's endpoint discovery has no resource to scope to.
      new iam.PolicyStatement({ actions: ['timestream:DescribeEndpoints'], resources: ['*'] }),
    );
  }

  /** The environment of a function that reads and writes telemetry in the chosen store. */
  telemetryEnvironment(): Record<string, string> {
    if (this.timestreamDatabase && this.timestreamTable) {
      return {
        TELEMETRY_STORE: 'timestream',
        TIMESTREAM_DATABASE: this.timestreamDatabase.ref,
        TIMESTREAM_TABLE: this.timestreamTable.attrName,
        TIMESTREAM_MEMORY_RETENTION_HOURS: String(this.memoryRetentionHours),
        ...(this.rollups ? { TIMESTREAM_ROLLUP_EVERY_MINUTES: String(this.rollups.every.toMinutes()) } : {}),
      };
    }
    return { TELEMETRY_STORE: 'postgres' };
  }
}
