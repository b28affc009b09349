import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { TELEMETRY_RULE_SQL } from '../src/iot.ts';
import { DEFAULT_LOAD, ingestSizing, trafficOf } from '../src/load-model.ts';
import { logicalId, plantwatchStack } from './support/stack.ts';

const { stack, template } = plantwatchStack();
const iotArn = (resource: string) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':iot:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      `:${resource}`,
    ],
  ],
});
const ruleId = logicalId(stack, stack.iot.telemetryRule);
// Written out here rather than imported, so a change to the policy's variables fails this test.
const variable = (name: string) => ['$', '{', name, '}'].join('');
const thing = variable('iot:Connection.Thing.ThingName');
const own = `${variable('iot:Connection.Thing.Attributes[tenantId]')}/${variable('iot:Connection.Thing.Attributes[siteId]')}/${thing}`;

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

function gatewayPolicyStatements(): Statement[] {
  const policies = template.findResources('AWS::IoT::Policy');
  expect(Object.keys(policies)).toHaveLength(1);
  const [policy] = Object.values(policies) as {
    Properties: { PolicyDocument: { Statement: Statement[] } };
  }[];
  return policy?.Properties.PolicyDocument.Statement ?? [];
}

describe('the IoT construct', () => {
  it('lets a gateway connect only as its own thing, with a certificate attached to that thing', () => {
    const connect = gatewayPolicyStatements().filter((s) => [s.Action].flat().includes('iot:Connect'));
    expect(connect).toEqual([
      {
        Effect: 'Allow',
        Action: 'iot:Connect',
        Resource: iotArn(`client/${thing}`),
        Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
      },
    ]);
  });

  it("allows publish, subscribe and receive only on the gateway's own topics, by policy variables", () => {
    const statements = gatewayPolicyStatements();
    const byAction = (action: string) =>
      statements.filter((s) => [s.Action].flat().includes(action)).flatMap((s) => [s.Resource].flat());
    expect(byAction('iot:Publish')).toEqual([
      iotArn(`topic/dt/${own}/telemetry`),
      iotArn(`topic/dt/${own}/status`),
      iotArn(`topic/dt/${own}/response`),
      {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':iot:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':topic/$aws/rules/',
            { Ref: ruleId },
            `/dt/${own}/telemetry`,
          ],
        ],
      },
    ]);
    expect(byAction('iot:RetainPublish')).toEqual([iotArn(`topic/dt/${own}/status`)]);
    expect(byAction('iot:Subscribe')).toEqual([
      iotArn(`topicfilter/cmd/${own}/config`),
      iotArn(`topicfilter/cmd/${own}/request`),
    ]);
    expect(byAction('iot:Receive')).toEqual([
      iotArn(`topic/cmd/${own}/config`),
      iotArn(`topic/cmd/${own}/request`),
    ]);
  });

  it('grants nothing broader: every statement allows, names one action and uses the thing-name variable', () => {
    for (const statement of gatewayPolicyStatements()) {
      expect(statement.Effect).toBe('Allow');
      expect(typeof statement.Action).toBe('string');
      expect(statement.Action).not.toContain('*');
      const text = JSON.stringify(statement.Resource);
      expect(text).toContain(thing);
      // No wildcard anywhere in a resource: "*" in an IoT policy would reach other gateways' topics.
      expect(text.replaceAll(/\$\{iot:Connection\.Thing\.[A-Za-z[\]]+\}/g, '')).not.toMatch(/[*+#]/);
    }
  });

  it('routes telemetry through a rule whose SQL builds the envelope ingest expects, to the stream by topic', () => {
    const stream = stack.iot.telemetryStream;
    if (!stream) throw new Error('the default deployment streams telemetry');
    template.hasResourceProperties('AWS::IoT::TopicRule', {
      TopicRulePayload: {
        Sql: TELEMETRY_RULE_SQL,
        AwsIotSqlVersion: '2016-03-23',
        RuleDisabled: false,
        Actions: [
          {
            Kinesis: {
              StreamName: { Ref: logicalId(stack, stream) },
              // one gateway's messages keep their order in one shard
              PartitionKey: ['$', '{topic()}'].join(''),
              RoleArn: Match.anyValue(),
            },
          },
        ],
        ErrorAction: {
          Sqs: { QueueUrl: { Ref: logicalId(stack, stack.iot.ruleErrorQueue) }, RoleArn: Match.anyValue() },
        },
      },
    });
    // telemetry and the status topic (online / Last Will), which drives the gateway's comm-loss alarm
    expect(TELEMETRY_RULE_SQL).toContain("FROM 'dt/+/+/+/+'");
  });

  it('sizes the stream and the ingest event source from the load model, with per-record failures and a dead-letter queue', () => {
    const stream = stack.iot.telemetryStream;
    if (!stream) throw new Error('the default deployment streams telemetry');
    const sizing = ingestSizing(trafficOf(DEFAULT_LOAD), 'kinesis');
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      ShardCount: sizing.shards,
      RetentionPeriodHours: 24,
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack, stream), 'Arn'] },
      FunctionName: { Ref: logicalId(stack, stack.iot.ingestFunction) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: sizing.batchSize,
      MaximumBatchingWindowInSeconds: sizing.batchingWindowSeconds,
      ParallelizationFactor: sizing.parallelizationFactor,
      BisectBatchOnFunctionError: true,
      MaximumRecordAgeInSeconds: 12 * 3600,
      DestinationConfig: {
        OnFailure: {
          Destination: { 'Fn::GetAtt': [logicalId(stack, stack.iot.telemetryDeadLetterQueue), 'Arn'] },
        },
      },
    });
    // exactly the event source's concurrency is reserved: its connections are budgeted
    expect(template.toJSON().Resources[logicalId(stack, stack.iot.ingestFunction)].Properties).toMatchObject({
      ReservedConcurrentExecutions: sizing.concurrency,
      Handler: 'index.handler',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          INGEST_DEAD_LETTER_QUEUE_URL: { Ref: logicalId(stack, stack.iot.telemetryDeadLetterQueue) },
        }),
      },
    });
  });

  it('grows the stream and the ingest concurrency with the load model (1,000 sites)', () => {
    const big = plantwatchStack({ loadSites: 1000 });
    const sizing = ingestSizing(trafficOf({ ...DEFAULT_LOAD, sites: 1000 }), 'kinesis');
    expect(sizing.shards).toBeGreaterThan(ingestSizing(trafficOf(DEFAULT_LOAD), 'kinesis').shards);
    big.template.hasResourceProperties('AWS::Kinesis::Stream', { ShardCount: sizing.shards });
    big.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ParallelizationFactor: sizing.parallelizationFactor,
    });
    expect(big.stack.iot.sizing.concurrency).toBe(sizing.concurrency);
  });

  it('with ingestQueue=sqs: a queue with a dead-letter queue after five receives, batches of 10, concurrency from the load model', () => {
    const { stack: sqsStack, template: sqsTemplate } = plantwatchStack({ ingestQueue: 'sqs' });
    const queue = sqsStack.iot.telemetryQueue;
    if (!queue) throw new Error('ingestQueue=sqs has a queue');
    const sizing = ingestSizing(trafficOf(DEFAULT_LOAD), 'sqs');
    sqsTemplate.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: {
        deadLetterTargetArn: {
          'Fn::GetAtt': [logicalId(sqsStack, sqsStack.iot.telemetryDeadLetterQueue), 'Arn'],
        },
        maxReceiveCount: 5,
      },
      VisibilityTimeout: 360,
    });
    for (const each of Object.values(sqsTemplate.findResources('AWS::SQS::Queue'))) {
      expect(each.Properties.SqsManagedSseEnabled).toBe(true);
    }
    sqsTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(sqsStack, queue), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: sizing.concurrency },
    });
    sqsTemplate.resourceCountIs('AWS::Kinesis::Stream', 0);
  });

  it('declares a gateway thing type with tenant and site as searchable attributes', () => {
    template.hasResourceProperties('AWS::IoT::ThingType', {
      ThingTypeProperties: { SearchableAttributes: ['tenantId', 'siteId'] },
    });
  });

  it('grants the API function every IoT action the provisioning adapter and the data-plane publisher send, the config push its publish, and no other role any', () => {
    const adapterActions = [
      'iot:AttachPolicy',
      'iot:AttachThingPrincipal',
      'iot:CreateKeysAndCertificate',
      'iot:CreateThing',
      'iot:DeleteCertificate',
      'iot:DeleteThing',
      'iot:DescribeEndpoint',
      'iot:DetachPolicy',
      'iot:DetachThingPrincipal',
      'iot:ListThingPrincipals',
      'iot:UpdateCertificate',
      'iot:UpdateThing',
    ];
    const iotActionsByRole = new Map<string, Set<string>>();
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      const actions = (policy.Properties.PolicyDocument.Statement as { Action: string | string[] }[])
        .flatMap((statement) => [statement.Action].flat())
        .filter((action) => action.startsWith('iot:'));
      for (const role of policy.Properties.Roles as { Ref: string }[]) {
        const set = iotActionsByRole.get(role.Ref) ?? new Set<string>();
        for (const action of actions) set.add(action);
        iotActionsByRole.set(role.Ref, set);
      }
    }
    const withIot = [...iotActionsByRole].filter(([, actions]) => actions.size > 0);
    const apiRole = logicalId(stack, stack.api.apiFunction.role as unknown as IConstruct);
    const pushRole = logicalId(stack, stack.configPush.pushFunction.role as unknown as IConstruct);
    expect(withIot.map(([role]) => role).sort()).toEqual([apiRole, pushRole].sort());
    const actionsOf = (role: string) => [...(iotActionsByRole.get(role) ?? [])].sort();
    expect(actionsOf(apiRole)).toEqual([...adapterActions, 'iot:Publish', 'iot:RetainPublish'].sort());
    expect(actionsOf(pushRole)).toEqual(['iot:DescribeEndpoint', 'iot:Publish', 'iot:RetainPublish']);
  });

  it('lets only the API function provision gateways, with the gateway policy as the one attachable policy', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^ApiHandlerServiceRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['iot:AttachPolicy', 'iot:DetachPolicy'],
            Resource: Match.arrayWith([iotArn('cert/*')]),
          }),
        ]),
      },
    });
  });
});
