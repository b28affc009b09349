// The escalation state machine as the stack synthesizes it (the shared ASL with its task ARNs
// substituted), created on the local AWS emulator (moto on 127.0.0.1, a port chosen at run time), and
// the real Step Functions starter starting and stopping chains on it. The emulator keeps executions but
// does not run their states; the chain's steps run in the local runtime's tests (aws-local-stepfunctions).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { type AwsEmulator, startAwsEmulator } from '@plantwatch/functions/compose/aws-emulator';
import type { ConfigStore } from '@plantwatch/functions/compose/config-store';
import { createStepFunctionsEscalationStarter } from '@plantwatch/functions/escalation/adapters/aws/step-functions-starter';
import type { EscalationRepositories, EscalationRun } from '@plantwatch/functions/escalation/ports';
import { escalationTasks } from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logicalId, plantwatchStack } from './support/stack.ts';

const ACCOUNT = '123456789012';

// The app synthesizes into a folder of this file's, removed after it (as testing/unit-setup.ts does for
// unit tests): without an outdir CDK makes a cdk.outXXXX in the temp folder that nothing removes.
const cdkOut = mkdtempSync(joinPath(tmpdir(), 'plantwatch-cdk-test-'));
process.env.CDK_OUTDIR = cdkOut;
afterAll(() => {
  delete process.env.CDK_OUTDIR;
  rmSync(cdkOut, { recursive: true, force: true });
});

/** The synthesized DefinitionString with its references resolved as CloudFormation would. */
function resolve(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map(resolve).join(join[0]);
  const getAtt = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
  if (getAtt) return `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${getAtt[0]}`;
  const ref = (value as { Ref?: string }).Ref;
  if (ref === 'AWS::Partition') return 'aws';
  if (ref === 'AWS::Region') return 'us-east-1';
  if (ref === 'AWS::AccountId') return ACCOUNT;
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

/** The escalations table in memory: the store is not what this test is about. */
function memoryStore() {
  const runs = new Map<string, EscalationRun>();
  const escalations: EscalationRepositories['escalations'] = {
    async insertIfAbsent(run) {
      const existing = runs.get(run.executionName);
      if (existing) return { run: existing, created: false };
      const created = {
        ...run,
        tenantId: 't',
        status: 'running',
        round: 0,
        level: null,
        lastNotifiedAt: null,
        reason: null,
        updatedAt: run.startedAt,
        endedAt: null,
      } as EscalationRun;
      runs.set(run.executionName, created);
      return { run: created, created: true };
    },
    get: async (executionName) => runs.get(executionName) ?? null,
    listRunning: async ({ alarmId }) =>
      [...runs.values()].filter((run) => run.status === 'running' && (!alarmId || run.alarmId === alarmId)),
    list: async () => [...runs.values()],
    recordProgress: async () => null,
    async end(executionName, outcome) {
      const run = runs.get(executionName);
      if (run?.status !== 'running') return null;
      Object.assign(run, { status: outcome.status, reason: outcome.reason, endedAt: outcome.at });
      return run;
    },
    alarmEvent: async () => null,
  };
  return {
    inTenant: (_t: string, work: (repos: unknown) => unknown) => work({ escalations }),
  } as unknown as ConfigStore;
}

let emulator: AwsEmulator;
let sfn: SFNClient;
let stateMachineArn: string;
let definition: string;

beforeAll(async () => {
  const { stack, template } = plantwatchStack();
  const machine = template.toJSON().Resources[logicalId(stack, stack.escalation.stateMachine)];
  // CloudFormation substitutes DefinitionSubstitutions into the definition at deploy time.
  const substitutions = Object.entries(machine.Properties.DefinitionSubstitutions as Record<string, unknown>);
  definition = substitutions.reduce(
    (text, [key, value]) => text.replaceAll(`\${${key}}`, resolve(value)),
    resolve(machine.Properties.DefinitionString),
  );
  emulator = await startAwsEmulator();
  sfn = new SFNClient({
    region: 'us-east-1',
    endpoint: emulator.endpoint,
    credentials: { accessKeyId: 'emulator', secretAccessKey: 'emulator' },
  });
  const created = await sfn.send(
    new CreateStateMachineCommand({
      name: 'PlantwatchEscalation',
      type: 'STANDARD',
      definition,
      roleArn: `arn:aws:iam::${ACCOUNT}:role/escalation`,
    }),
  );
  stateMachineArn = created.stateMachineArn ?? '';
}, 120_000);
afterAll(() => emulator?.stop());

describe('the synthesized escalation state machine on the emulated Step Functions', () => {
  it('holds the shared ASL with every task placeholder replaced by its function', async () => {
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
    expect(described.type).toBe('STANDARD');
    expect(described.definition).toBe(definition);
    expect(definition).not.toMatch(/\$\{\w+\}/);
    for (const task of escalationTasks) {
      const name = `${task.charAt(0).toUpperCase()}${task.slice(1)}Task`;
      expect(definition).toMatch(new RegExp(`function:Escalation${name}[0-9A-F]{8}`));
    }
  });

  it('starts one execution per alarm event however often it is asked, and stops it when the alarm is acknowledged', async () => {
    const starter = createStepFunctionsEscalationStarter({
      client: sfn,
      stateMachineArn,
      store: memoryStore(),
      ids: { newId: () => crypto.randomUUID() },
      clock: { now: () => new Date() },
    });
    const request = {
      tenantId: '0195f3c1-0000-7000-8000-000000000001',
      alarmEventId: '0195f3c1-0000-7000-8000-0000000000c1',
      alarmId: '0195f3c1-0000-5000-8000-0000000000b1',
      policyId: '0195f3c1-0000-7000-8000-0000000000a1',
    };

    const first = await starter.start(request);
    const again = await starter.start(request);

    expect(first.alreadyStarted).toBe(false);
    expect(again).toEqual({ executionName: first.executionName, alreadyStarted: true });
    const executions = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    expect(executions.executions?.map((e) => [e.name, e.status])).toEqual([[first.executionName, 'RUNNING']]);
    const executionArn = executions.executions?.[0]?.executionArn;
    const input = JSON.parse((await sfn.send(new DescribeExecutionCommand({ executionArn }))).input ?? '{}');
    expect(input).toEqual({ ...request, executionName: first.executionName });

    await starter.stop({
      tenantId: request.tenantId,
      alarmId: request.alarmId,
      reason: 'acknowledged by SMS',
    });

    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('ABORTED');
  });
});
