// The stores: Aurora PostgreSQL Serverless v2 (config, and telemetry with telemetryStore=postgres, the
// default), its migrations as a custom resource run once per deploy, Timestream (telemetryStore=
// timestream, for accounts that still have it), the reports bucket. Two database logins, both in
// Secrets Manager with rotation: the owner (the migrations resource only) and the functions' own
// (alternating users, so a rotation never breaks a running function).

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { type CfnResource, CustomResource, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as timestream from 'aws-cdk-lib/aws-timestream';
import { Construct, type IConstruct } from 'constructs';
import { PlantwatchFunction, repoRoot } from './house-function.ts';
import { TimestreamRollups } from './timestream-rollups.ts';
import { grantOnAnyResource } from './wildcards.ts';

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
  /** Aurora Standard or I/O-Optimized (the cheaper for the load model: `npm run cost`). */
  readonly storage?: 'standard' | 'io-optimized';
  /** PostgreSQL telemetry: days of raw points kept (housekeeping drops older weekly partitions). */
  readonly rawRetentionDays?: number;
  /** How long generated reports are kept in S3. */
  readonly reportRetentionDays: number;
  /** How often the Timestream rollup queries run (default 5 minutes). */
  readonly rollupEvery?: Duration;
}

export const DATABASE_NAME = 'plantwatch';
/** The functions' login (its secret rotates between it and `<name>_clone`). */
export const FUNCTIONS_LOGIN = 'plantwatch_service';
/** The role that owns the telemetry schema (made by the migrations resource). */
export const TELEMETRY_ROLE = 'plantwatch_telemetry';
/** Bump when the telemetry store's schema statements change: the migrations resource runs again. */
const TELEMETRY_SCHEMA_VERSION = '2';

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
  /** The owner login: only the migrations resource reads it. */
  readonly ownerSecret: secretsmanager.ISecret;
  /** The functions' login (rotated, alternating users). */
  readonly databaseSecret: secretsmanager.ISecret;
  /** Runs once per deploy; every function that opens the database is updated after it. */
  readonly migrations: CustomResource;
  readonly migrateFunction: PlantwatchFunction;
  readonly reportsBucket: s3.Bucket;
  /** Set with telemetryStore=timestream. */
  readonly timestreamDatabase?: timestream.CfnDatabase;
  readonly timestreamTable?: timestream.CfnTable;
  /** The rollup tables and their scheduled queries (telemetryStore=timestream). */
  readonly rollups?: TimestreamRollups;
  /** Server access logs of the buckets here. */
  readonly accessLogsBucket: s3.Bucket;
  private readonly memoryRetentionHours: number;
  private readonly rawRetentionDays: number;
  /** Environment every function that opens the config store needs. */
  readonly databaseEnvironment: Record<string, string>;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);
    this.memoryRetentionHours = props.memoryRetentionHours;
    this.rawRetentionDays = props.rawRetentionDays ?? 35;

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
      storageType:
        props.storage === 'io-optimized'
          ? rds.DBClusterStorageType.AURORA_IOPT1
          : rds.DBClusterStorageType.AURORA,
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
    this.ownerSecret = secret;
    // The functions' own login: the migrations resource creates it (plantwatch_app and the telemetry
    // role, nothing more); Secrets Manager rotates it between it and its _clone every 30 days, so the
    // password a running function holds stays valid until the rotation after next.
    this.databaseSecret = new rds.DatabaseSecret(this, 'FunctionsLogin', {
      username: FUNCTIONS_LOGIN,
      masterSecret: secret,
    }).attach(this.cluster);

    const telemetryRole: Record<string, string> =
      props.telemetryStore === 'postgres' ? { DATABASE_TELEMETRY_ROLE: TELEMETRY_ROLE } : {};
    this.databaseEnvironment = {
      DATABASE_SECRET_ARN: this.databaseSecret.secretArn,
      DATABASE_HOST: this.cluster.clusterEndpoint.hostname,
      DATABASE_PORT: this.cluster.clusterEndpoint.port.toString(),
      DATABASE_NAME,
      ...telemetryRole,
    };

    const migrations = new PlantwatchFunction(this, 'Migrate', {
      entry: 'functions/src/lambda/migrate.ts',
      description:
        'Once per deploy (CloudFormation custom resource): config migrations, the telemetry schema, the functions login',
      timeout: Duration.minutes(10),
      withMigrations: true,
      // CloudFormation calls it once per deploy.
      reservedConcurrentExecutions: 1,
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [props.functionSecurityGroup],
      // The telemetry variables are added below, once the Timestream resources exist.
      environment: { ...this.databaseEnvironment, DATABASE_OWNER_SECRET_ARN: secret.secretArn },
    });
    this.migrateFunction = migrations;
    secret.grantRead(migrations);
    this.databaseSecret.grantRead(migrations);
    this.migrations = new CustomResource(this, 'Migrations', {
      serviceToken: migrations.functionArn,
      resourceType: 'Custom::PlantwatchMigrations',
      properties: {
        migrations: migrationsFingerprint(),
        telemetryStore: props.telemetryStore,
        telemetrySchema: TELEMETRY_SCHEMA_VERSION,
      },
    });
    // On the cluster and its writer instance only (the cluster's construct also holds the rotations,
    // which must come after the migrations).
    for (const resource of this.cluster.node.findAll()) {
      if (resource instanceof rds.CfnDBCluster || resource instanceof rds.CfnDBInstance) {
        this.migrations.node.addDependency(resource);
      }
    }

    // Rotation: both logins every 30 days, by Secrets Manager's own rotation functions (in the
    // functions' subnets, which reach Secrets Manager through the NAT). After the migrations resource,
    // which creates the functions' login the first rotation clones.
    const rotationSubnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    this.cluster.addRotationSingleUser({
      automaticallyAfter: Duration.days(30),
      vpcSubnets: rotationSubnets,
    });
    this.cluster.addRotationMultiUser('FunctionsLoginRotation', {
      secret: this.databaseSecret,
      automaticallyAfter: Duration.days(30),
      vpcSubnets: rotationSubnets,
    });
    // The first rotation happens when rotation is enabled: only once the migrations made the login.
    for (const schedule of this.node.findAll()) {
      if (schedule instanceof secretsmanager.CfnRotationSchedule)
        schedule.addResourceDependency(this.migrations.node.defaultChild as CfnResource);
    }

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
      // CreateScheduledQuery refuses SQL over columns the raw table does not have yet: the
      // migrations resource writes the record that defines them first (ADR 0026).
      for (const query of [
        ...Object.values(this.rollups.queries),
        ...Object.values(this.rollups.catchUpQueries),
      ]) {
        query.addResourceDependency(this.migrations.node.defaultChild as CfnResource);
      }
    }
    for (const [name, value] of Object.entries(this.telemetryEnvironment())) {
      migrations.addEnvironment(name, value);
    }
    if (this.timestreamTable) {
      // The schema-defining record: a write to the raw table, nothing else.
      migrations.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['timestream:WriteRecords'],
          resources: [this.timestreamTable.attrArn],
        }),
      );
      grantOnAnyResource(
        migrations,
        ['timestream:DescribeEndpoints'],
        'Timestream endpoint discovery supports no resource-level permissions',
      );
    }
  }

  /** Lets `grantee` log in to the database as the functions' login (read its secret at cold start). */
  grantDatabase(grantee: iam.IGrantable): void {
    this.databaseSecret.grantRead(grantee);
  }

  /** Lets `grantee` write and query telemetry in Timestream (the Postgres store needs only the secret). */
  grantTelemetry(grantee: iam.IGrantable & IConstruct): void {
    if (!this.timestreamTable) return;
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
    grantOnAnyResource(
      grantee,
      ['timestream:DescribeEndpoints'],
      'Timestream endpoint discovery supports no resource-level permissions',
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
    return { TELEMETRY_STORE: 'postgres', TELEMETRY_RETENTION_DAYS: String(this.rawRetentionDays) };
  }
}
