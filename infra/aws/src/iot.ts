// AWS IoT Core for the gateways: a thing type, the policy every gateway certificate gets (its own
// client id and topics only, by policy variables, telemetry by Basic Ingest), the telemetry rule to a
// Kinesis data stream (or an SQS queue), and the ingest function, sized from the load model (ADR 0026).
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { PlantwatchFunction } from './house-function.ts';
import type { IngestSizing } from './load-model.ts';
import { grantOnAnyResource } from './wildcards.ts';

export interface IotProps {
  readonly vpc: ec2.IVpc;
  readonly functionSecurityGroup: ec2.ISecurityGroup;
  /** Environment of the ingest function: where the config and telemetry stores are. */
  readonly ingestEnvironment: Record<string, string>;
  /** The queue, its batches and the ingest concurrency, from the load model (load-model.ts). */
  readonly sizing: IngestSizing;
}

/** How long a stream keeps records: a failed batch can be read again (and replayed) within it. */
export const STREAM_RETENTION = Duration.hours(24);
/** A batch that keeps failing is given up after this age, leaving half the retention to replay it. */
export const STREAM_MAX_RECORD_AGE = Duration.hours(12);

/** Policy variables: a gateway's thing name is its gateway id; tenant and site are thing attributes. */
export const policyVariable = (name: string) => `$${'{'}${name}}`;
const THING = policyVariable('iot:Connection.Thing.ThingName');
const TENANT = policyVariable('iot:Connection.Thing.Attributes[tenantId]');
const SITE = policyVariable('iot:Connection.Thing.Attributes[siteId]');
export const GATEWAY_PATH = `${TENANT}/${SITE}/${THING}`;

/**
 * The rule's SQL: the message exactly as functions/src/ingest/event.ts expects it. Telemetry and the
 * retained status topic (online, or the Last Will the broker publishes when a gateway drops) both go
 * to ingest: the status drives the gateway's communication-loss alarm. The gateway policy allows
 * publishing no other topic under dt/.
 */
export const TELEMETRY_RULE_SQL =
  "SELECT encode(*, 'base64') AS payload, topic() AS topic, timestamp() AS receivedAt FROM 'dt/+/+/+/+'";

export class Iot extends Construct {
  readonly thingType: iot.CfnThingType;
  readonly gatewayPolicy: iot.CfnPolicy;
  readonly telemetryRule: iot.CfnTopicRule;
  /** The telemetry stream (ingestQueue=kinesis, the default). */
  readonly telemetryStream?: kinesis.Stream;
  /** The telemetry queue (ingestQueue=sqs). */
  readonly telemetryQueue?: sqs.Queue;
  /**
   * What ingest could not take: SQS messages after five tries, stream batches given up on (their
   * shard and sequence numbers, to read again within the retention), stream records that are no
   * telemetry envelope (kept whole, with the reason).
   */
  readonly telemetryDeadLetterQueue: sqs.Queue;
  readonly sizing: IngestSizing;
  /** Messages the rule could not put on the queue (its error action). */
  readonly ruleErrorQueue: sqs.Queue;
  readonly ingestFunction: PlantwatchFunction;

  constructor(scope: Construct, id: string, props: IotProps) {
    super(scope, id);
    const { account, region, partition } = Stack.of(this);
    const arn = (resource: string) => `arn:${partition}:iot:${region}:${account}:${resource}`;

    this.thingType = new iot.CfnThingType(this, 'GatewayThingType', {
      thingTypeProperties: {
        thingTypeDescription: 'A Plantwatch edge gateway; the thing name is the gateway id',
        searchableAttributes: ['tenantId', 'siteId'],
      },
    });

    this.telemetryDeadLetterQueue = new sqs.Queue(this, 'TelemetryDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.ruleErrorQueue = new sqs.Queue(this, 'RuleErrors', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    for (const queue of [this.telemetryDeadLetterQueue, this.ruleErrorQueue]) {
      Validations.of(queue).acknowledge({
        id: 'AwsSolutions::AwsSolutions-SQS3',
        reason: 'This queue is itself a dead-letter queue.',
      });
    }
    this.sizing = props.sizing;
    const ingestTimeout = Duration.seconds(60);
    const ruleRole = new iam.Role(this, 'RuleRole', {
      assumedBy: new iam.ServicePrincipal('iot.amazonaws.com'),
      description:
        'Lets the telemetry rule put messages on the telemetry stream or queue, and its error queue',
    });
    this.ruleErrorQueue.grantSendMessages(ruleRole);
    let action: iot.CfnTopicRule.ActionProperty;
    if (props.sizing.queue === 'kinesis') {
      this.telemetryStream = new kinesis.Stream(this, 'TelemetryStream', {
        streamMode: kinesis.StreamMode.PROVISIONED,
        shardCount: props.sizing.shards,
        retentionPeriod: STREAM_RETENTION,
        encryption: kinesis.StreamEncryption.MANAGED,
      });
      this.telemetryStream.grantWrite(ruleRole);
      // The topic as partition key: one gateway's messages stay in order in one shard.
      action = {
        kinesis: {
          streamName: this.telemetryStream.streamName,
          partitionKey: '$' + '{topic()}',
          roleArn: ruleRole.roleArn,
        },
      };
    } else {
      this.telemetryQueue = new sqs.Queue(this, 'Telemetry', {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        // Six times the function timeout, as Lambda's SQS event source asks.
        visibilityTimeout: Duration.seconds(ingestTimeout.toSeconds() * 6),
        retentionPeriod: Duration.days(4),
        deadLetterQueue: { queue: this.telemetryDeadLetterQueue, maxReceiveCount: 5 },
      });
      this.telemetryQueue.grantSendMessages(ruleRole);
      action = {
        sqs: { queueUrl: this.telemetryQueue.queueUrl, roleArn: ruleRole.roleArn, useBase64: false },
      };
    }
    this.telemetryRule = new iot.CfnTopicRule(this, 'TelemetryRule', {
      topicRulePayload: {
        description: 'Gateway telemetry (by Basic Ingest) and status (through the broker) to ingest',
        sql: TELEMETRY_RULE_SQL,
        awsIotSqlVersion: '2016-03-23',
        ruleDisabled: false,
        actions: [action],
        errorAction: {
          sqs: { queueUrl: this.ruleErrorQueue.queueUrl, roleArn: ruleRole.roleArn, useBase64: false },
        },
      },
    });

    this.gatewayPolicy = new iot.CfnPolicy(this, 'GatewayPolicy', {
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'iot:Connect',
            Resource: arn(`client/${THING}`),
            // Only a certificate attached to the thing connects as that thing.
            Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
          },
          {
            Effect: 'Allow',
            Action: 'iot:Publish',
            Resource: [
              arn(`topic/dt/${GATEWAY_PATH}/telemetry`),
              arn(`topic/dt/${GATEWAY_PATH}/status`),
              // Answers to the cloud's commands (browse, read-once), in numbered parts.
              arn(`topic/dt/${GATEWAY_PATH}/response`),
              // Basic Ingest: straight to the rule, without the message broker's per-message charge.
              arn(`topic/$aws/rules/${this.telemetryRule.ref}/dt/${GATEWAY_PATH}/telemetry`),
            ],
          },
          {
            Effect: 'Allow',
            Action: 'iot:RetainPublish',
            Resource: arn(`topic/dt/${GATEWAY_PATH}/status`),
          },
          {
            Effect: 'Allow',
            Action: 'iot:Subscribe',
            Resource: [
              arn(`topicfilter/cmd/${GATEWAY_PATH}/config`),
              arn(`topicfilter/cmd/${GATEWAY_PATH}/request`),
            ],
          },
          {
            Effect: 'Allow',
            Action: 'iot:Receive',
            Resource: [arn(`topic/cmd/${GATEWAY_PATH}/config`), arn(`topic/cmd/${GATEWAY_PATH}/request`)],
          },
        ],
      },
    });

    const stream = this.telemetryStream;
    this.ingestFunction = new PlantwatchFunction(this, 'Ingest', {
      entry: stream ? 'functions/src/lambda/ingest-stream.ts' : 'functions/src/lambda/ingest.ts',
      description: `Telemetry from the IoT rule via ${stream ? 'Kinesis' : 'SQS'}: validate, store, evaluate alarms`,
      timeout: ingestTimeout,
      vpc: props.vpc,
      securityGroups: [props.functionSecurityGroup],
      environment: {
        ...props.ingestEnvironment,
        ...(stream ? { INGEST_DEAD_LETTER_QUEUE_URL: this.telemetryDeadLetterQueue.queueUrl } : {}),
      },
      // Exactly what the event source may run at once: its database connections are budgeted, and
      // no other function can take them away.
      reservedConcurrentExecutions: props.sizing.concurrency,
    });
    if (stream) {
      this.telemetryDeadLetterQueue.grantSendMessages(this.ingestFunction);
      this.ingestFunction.addEventSource(
        new KinesisEventSource(stream, {
          startingPosition: lambda.StartingPosition.TRIM_HORIZON,
          batchSize: props.sizing.batchSize,
          maxBatchingWindow: Duration.seconds(props.sizing.batchingWindowSeconds),
          parallelizationFactor: props.sizing.parallelizationFactor,
          reportBatchItemFailures: true,
          bisectBatchOnError: true,
          // Retried while the store is down, up to half the retention; then its place goes to the DLQ.
          retryAttempts: 10_000,
          maxRecordAge: STREAM_MAX_RECORD_AGE,
          onFailure: new SqsDlq(this.telemetryDeadLetterQueue),
        }),
      );
    } else if (this.telemetryQueue) {
      this.ingestFunction.addEventSource(
        new SqsEventSource(this.telemetryQueue, {
          batchSize: props.sizing.batchSize,
          maxBatchingWindow: Duration.seconds(props.sizing.batchingWindowSeconds),
          reportBatchItemFailures: true,
          maxConcurrency: props.sizing.concurrency,
        }),
      );
    }
  }

  /**
   * Lets `grantee` publish the cloud's side of the gateways' topics through IoT Core's data plane:
   * config versions (retained) and command requests, under cmd/ only, and find the data endpoint.
   */
  grantCloudMessages(grantee: iam.IGrantable & IConstruct): void {
    const { account, region, partition } = Stack.of(this);
    const arn = (resource: string) => `arn:${partition}:iot:${region}:${account}:${resource}`;
    Validations.of(grantee).acknowledge(
      ...['config', 'request'].map((kind) => ({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:topic/cmd/*/*/*/${kind}]`,
        reason: `Any gateway's ${kind} topic: tenants and gateways are made at run time; the data plane publishes nothing else.`,
      })),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['iot:Publish'],
        resources: [arn('topic/cmd/*/*/*/config'), arn('topic/cmd/*/*/*/request')],
      }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['iot:RetainPublish'], resources: [arn('topic/cmd/*/*/*/config')] }),
    );
    grantOnAnyResource(
      grantee,
      ['iot:DescribeEndpoint'],
      'the account endpoint is no resource: IAM takes "*" only',
    );
  }

  /** Lets `grantee` provision and remove gateways: things, certificates, the gateway policy. */
  grantProvisioning(grantee: iam.IGrantable & IConstruct): void {
    Validations.of(grantee).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:thing/*]',
        reason:
          'A gateway is created at run time: its thing name (the gateway id) is not known at deploy time.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:cert/*]',
        reason:
          'Certificate ids are made by CreateKeysAndCertificate at run time; only the gateway policy is attachable.',
      },
    );
    const { account, region, partition } = Stack.of(this);
    const arn = (resource: string) => `arn:${partition}:iot:${region}:${account}:${resource}`;
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'iot:CreateThing',
          // A re-provisioned gateway may have moved site: its attributes are brought up to date.
          'iot:UpdateThing',
          'iot:DeleteThing',
          'iot:AttachThingPrincipal',
          'iot:DetachThingPrincipal',
          'iot:ListThingPrincipals',
        ],
        resources: [arn('thing/*')],
      }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['iot:CreateThing', 'iot:UpdateThing'],
        resources: [arn(`thingtype/${this.thingType.ref}`)],
      }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['iot:AttachPolicy', 'iot:DetachPolicy'],
        resources: [arn(`policy/${this.gatewayPolicy.ref}`), arn('cert/*')],
      }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['iot:UpdateCertificate', 'iot:DeleteCertificate'],
        resources: [arn('cert/*')],
      }),
    );
    grantOnAnyResource(
      grantee,
      ['iot:CreateKeysAndCertificate', 'iot:DescribeEndpoint'],
      'a certificate is made before it has an id, and the account endpoint is no resource: IAM takes "*" only',
    );
  }
}
