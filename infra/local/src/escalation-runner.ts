// The local runtime's escalation runner (the EscalationStarter the alarms call): the same ASL that Step Functions runs on AWS, run in process
// by aws-local-stepfunctions, its Task states handled by the escalation steps. The escalations table
// is the truth: a start finds an existing row (even one written before a restart) and does nothing,
// a stop ends the rows first and then aborts the executions, and at start-up every chain still
// marked running is resumed from the level it had reached (docs/decisions/0015-escalation-chain.md).

import type { EscalationStarter } from '@plantwatch/functions/alarms/ports';
import type { RunningEscalationsLookup } from '@plantwatch/functions/escalation/ports';
import { type EscalationStepDeps, escalationStepHandlers } from '@plantwatch/functions/escalation/steps';
import type { EscalationWorldRepositories } from '@plantwatch/functions/escalation/world';
import { createConfigStoreEscalationWorld } from '@plantwatch/functions/escalation/world';
import type { Notifier } from '@plantwatch/functions/notify/ports';
import type { Clock } from '@plantwatch/functions/platform/clock';
import type { TenantStore } from '@plantwatch/functions/platform/database/tenant-store';
import type { IdGenerator } from '@plantwatch/functions/platform/id-generator';
import type { Metrics } from '@plantwatch/functions/platform/metrics';
import { logger } from '@plantwatch/functions/platform/observability';
import {
  type EscalationChainInput,
  type EscalationTask,
  escalationExecutionName,
  escalationStateMachineDefinition,
  escalationStateNames,
  escalationTaskOfState,
  escalationTasks,
} from '@plantwatch/shared';
import { ExecutionAbortedError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';

export interface LocalEscalationStarterOptions {
  store: TenantStore<EscalationWorldRepositories>;
  /** The cross-tenant start-up lookup of chains left running. */
  running: RunningEscalationsLookup;
  /** Sends the chain's messages (the local runtime's composite notifier: outbox, SMTP, Twilio). */
  notifier: Notifier;
  ids: IdGenerator;
  clock: Clock;
  /** The notify step times each chain's first page from the raise (raise_to_first_page_seconds). */
  metrics?: Metrics;
  /**
   * Tests and benchmarks only: every Wait of the chain pauses this many milliseconds instead of the
   * level's delay (aws-local-stepfunctions' waitTimeOverrides). A level without delay never waits.
   */
  waitMs?: number;
  /** Tests only: pause between retries of a failed Task, instead of the ASL's backoff. */
  retryMs?: number;
}

export interface LocalEscalationStarter extends EscalationStarter {
  /** Resumes every chain the table says is running but no execution here runs; returns how many. */
  resumeRunning(): Promise<number>;
  /** Names of the executions running in this process. */
  active(): string[];
  /** Aborts the executions without ending their rows: the next start resumes them. */
  close(): Promise<void>;
}

type JsonValue = Parameters<StateMachine['run']>[0];

/** A Lambda ARN shape the validator accepts; the local handlers replace the call by state name. */
const localResource = (task: EscalationTask) =>
  `arn:aws:lambda:us-east-1:000000000000:function:plantwatch-local-escalation-${task}`;

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function createLocalEscalationStarter(options: LocalEscalationStarterOptions): LocalEscalationStarter {
  const resources = Object.fromEntries(escalationTasks.map((task) => [task, localResource(task)])) as Record<
    EscalationTask,
    string
  >;
  const machine = new StateMachine(
    escalationStateMachineDefinition(resources) as unknown as StateMachineDefinition,
  );
  const steps: EscalationStepDeps = {
    world: createConfigStoreEscalationWorld({ store: options.store, ids: options.ids }),
    notifier: options.notifier,
    clock: options.clock,
    metrics: options.metrics,
  };
  const handlers = escalationStepHandlers(steps);
  const taskResourceLocalHandlers = Object.fromEntries(
    Object.entries(escalationTaskOfState).map(([stateName, task]) => [
      stateName,
      async (input: JsonValue) => (await handlers[task](input)) as JsonValue,
    ]),
  );
  const executions = new Map<string, { abort: () => void; result: Promise<unknown> }>();
  const keyOf = (tenantId: string, executionName: string) => `${tenantId}/${executionName}`;
  let closed = false;

  function launch(input: EscalationChainInput): void {
    const key = keyOf(input.tenantId, input.executionName);
    if (closed || executions.has(key)) return;
    const execution = machine.run(input, {
      noThrowOnAbort: true,
      overrides: {
        taskResourceLocalHandlers,
        ...(options.waitMs === undefined
          ? {}
          : { waitTimeOverrides: { [escalationStateNames.wait]: options.waitMs } }),
        ...(options.retryMs === undefined
          ? {}
          : {
              retryIntervalOverrides: Object.fromEntries(
                Object.keys(escalationTaskOfState).map((stateName) => [stateName, options.retryMs ?? 0]),
              ),
            }),
      },
    });
    const result = execution.result.then(
      () => undefined,
      async (error: unknown) => {
        if (error instanceof ExecutionAbortedError) return;
        // The chain's own Catch records a failure; this covers what it cannot (a broken definition).
        logger.error('escalation chain failed', {
          tenantId: input.tenantId,
          executionName: input.executionName,
          error: describe(error),
        });
        try {
          await steps.world.end(input.tenantId, input.executionName, {
            status: 'failed',
            reason: describe(error).slice(0, 2000),
            at: options.clock.now(),
          });
        } catch (recordError) {
          logger.error('could not record the failed escalation chain', {
            tenantId: input.tenantId,
            executionName: input.executionName,
            error: describe(recordError),
          });
        }
      },
    );
    executions.set(key, { abort: execution.abort, result });
    void result.finally(() => executions.delete(key));
  }

  return {
    async start({ tenantId, alarmEventId, alarmId, policyId }) {
      const executionName = escalationExecutionName(alarmEventId);
      const { created } = await options.store.inTenant(tenantId, (repos) =>
        repos.escalations.insertIfAbsent({
          id: options.ids.newId(),
          executionName,
          alarmEventId,
          alarmId,
          policyId,
          startedAt: options.clock.now(),
        }),
      );
      if (created) launch({ tenantId, executionName, alarmEventId, alarmId, policyId });
      return { executionName, alreadyStarted: !created };
    },

    async stop({ tenantId, alarmId, reason }) {
      const at = options.clock.now();
      // The row first: a check step running right now then sees the chain as stopped too.
      const stopped = await options.store.inTenant(tenantId, async (repos) => {
        const running = await repos.escalations.listRunning({ alarmId });
        for (const run of running)
          await repos.escalations.end(run.executionName, { status: 'stopped', reason, at });
        return running;
      });
      for (const run of stopped) executions.get(keyOf(tenantId, run.executionName))?.abort();
    },

    async resumeRunning() {
      let resumed = 0;
      for (const { tenantId, executionName } of await options.running.listRunningEscalations()) {
        if (executions.has(keyOf(tenantId, executionName))) continue;
        const run = await options.store.inTenant(tenantId, (repos) => repos.escalations.get(executionName));
        if (run?.status !== 'running') continue;
        launch({
          tenantId,
          executionName,
          alarmEventId: run.alarmEventId,
          alarmId: run.alarmId,
          policyId: run.policyId,
        });
        resumed += 1;
      }
      return resumed;
    },

    active: () => [...executions.keys()].map((key) => key.slice(key.indexOf('/') + 1)),

    async close() {
      closed = true;
      const pending = [...executions.values()];
      for (const execution of pending) execution.abort();
      await Promise.allSettled(pending.map((execution) => execution.result));
    },
  };
}
