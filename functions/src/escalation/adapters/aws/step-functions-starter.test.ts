import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigStore } from '../../../compose/config-store.ts';
import type { EscalationRepositories, EscalationRun } from '../../ports.ts';
import { createStepFunctionsEscalationStarter, executionArnOf } from './step-functions-starter.ts';

const STATE_MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:Escalation-abc';
const TENANT = '0195f3c1-0000-7000-8000-000000000001';
const request = {
  tenantId: TENANT,
  alarmEventId: '0195f3c1-0000-7000-8000-0000000000c1',
  alarmId: '0195f3c1-0000-5000-8000-0000000000b1',
  policyId: '0195f3c1-0000-7000-8000-0000000000a1',
};
const name = `alarm-event-${request.alarmEventId}`;

/** The escalations repository in memory, behind a ConfigStore that offers nothing else. */
function memoryStore() {
  const runs = new Map<string, EscalationRun>();
  const escalations: EscalationRepositories['escalations'] = {
    async insertIfAbsent(run) {
      const existing = runs.get(run.executionName);
      if (existing) return { run: existing, created: false };
      const created: EscalationRun = {
        ...run,
        tenantId: TENANT,
        status: 'running',
        round: 0,
        level: null,
        lastNotifiedAt: null,
        reason: null,
        updatedAt: run.startedAt,
        endedAt: null,
      };
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
  const store = { inTenant: (_tenantId: string, work: (repos: unknown) => unknown) => work({ escalations }) };
  return { runs, store: store as unknown as ConfigStore };
}

const sfn = mockClient(SFNClient);
afterEach(() => sfn.reset());

function starter() {
  const { runs, store } = memoryStore();
  let id = 0;
  const started = createStepFunctionsEscalationStarter({
    client: new SFNClient({ region: 'eu-west-1' }),
    stateMachineArn: STATE_MACHINE,
    store,
    ids: { newId: () => `0195f3c1-0000-7000-8000-00000000010${id++}` },
    clock: { now: () => new Date('2026-11-22T03:10:00.000Z') },
  });
  return { runs, starter: started };
}

describe('Step Functions escalation starter', () => {
  it('starts one execution named after the alarm event, with the chain input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: executionArnOf(STATE_MACHINE, name) });
    const { starter: escalation, runs } = starter();
    expect(await escalation.start(request)).toEqual({ executionName: name, alreadyStarted: false });
    const [call] = sfn.commandCalls(StartExecutionCommand);
    expect(call?.args[0].input).toMatchObject({ stateMachineArn: STATE_MACHINE, name });
    expect(JSON.parse(call?.args[0].input.input ?? '{}')).toEqual({ ...request, executionName: name });
    expect(runs.get(name)?.status).toBe('running');
  });

  it.each([
    [
      'Step Functions answers 200 for the running execution',
      () => sfn.on(StartExecutionCommand).resolves({}),
    ],
    [
      'Step Functions says the execution exists',
      () =>
        sfn
          .on(StartExecutionCommand)
          .resolvesOnce({})
          .rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} })),
    ],
  ])('reports alreadyStarted on a repeated start when %s', async (_case, arrange) => {
    arrange();
    const { starter: escalation } = starter();
    await escalation.start(request);
    expect(await escalation.start(request)).toEqual({ executionName: name, alreadyStarted: true });
  });

  it('lets a failed StartExecution be retried instead of recording a chain that never ran', async () => {
    sfn.on(StartExecutionCommand).rejectsOnce(new Error('ThrottlingException')).resolves({});
    const { starter: escalation, runs } = starter();
    await expect(escalation.start(request)).rejects.toThrow('ThrottlingException');
    expect(runs.size).toBe(0);
    expect(await escalation.start(request)).toEqual({ executionName: name, alreadyStarted: false });
  });

  it("stops the alarm's running executions and records why; an ended one is no error", async () => {
    sfn.on(StartExecutionCommand).resolves({});
    sfn.on(StopExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'gone', $metadata: {} }));
    const { starter: escalation, runs } = starter();
    await escalation.start(request);
    await escalation.stop({
      tenantId: TENANT,
      alarmId: request.alarmId,
      reason: 'acknowledged by Alice (sms)',
    });
    expect(sfn.commandCalls(StopExecutionCommand).map((call) => call.args[0].input.executionArn)).toEqual([
      `arn:aws:states:eu-west-1:123456789012:execution:Escalation-abc:${name}`,
    ]);
    expect(runs.get(name)).toMatchObject({ status: 'stopped', reason: 'acknowledged by Alice (sms)' });
    // nothing left running: a second acknowledgement stops nothing
    await escalation.stop({ tenantId: TENANT, alarmId: request.alarmId, reason: 'again' });
    expect(sfn.commandCalls(StopExecutionCommand)).toHaveLength(1);
  });
});
