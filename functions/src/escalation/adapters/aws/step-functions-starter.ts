// The EscalationStarter on AWS: one Standard Step Functions execution per alarm event, named after
// it, so a redelivered alarm event finds the chain already running instead of paging everyone twice.
import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { type EscalationChainInput, escalationExecutionName } from '@plantwatch/shared';
import type { EscalationStarter } from '../../../alarms/ports.ts';
import type { Clock } from '../../../platform/clock.ts';
import { currentCorrelationId } from '../../../platform/correlation.ts';
import type { TenantStore } from '../../../platform/database/tenant-store.ts';
import type { IdGenerator } from '../../../platform/id-generator.ts';
import type { EscalationRepositories } from '../../ports.ts';

export interface StepFunctionsStarterOptions {
  client: SFNClient;
  stateMachineArn: string;
  store: TenantStore<EscalationRepositories>;
  ids: IdGenerator;
  clock: Clock;
}

export const createSfnClient = (region: string) => new SFNClient({ region });

/** arn:…:stateMachine:NAME → arn:…:execution:NAME:executionName */
export function executionArnOf(stateMachineArn: string, executionName: string): string {
  const marker = ':stateMachine:';
  const at = stateMachineArn.indexOf(marker);
  if (at < 0) throw new Error(`not a state machine ARN: ${stateMachineArn}`);
  return `${stateMachineArn.slice(0, at)}:execution:${stateMachineArn.slice(at + marker.length)}:${executionName}`;
}

export function createStepFunctionsEscalationStarter(
  options: StepFunctionsStarterOptions,
): EscalationStarter {
  const { client, stateMachineArn, store } = options;
  return {
    async start({ tenantId, alarmEventId, alarmId, policyId }) {
      const executionName = escalationExecutionName(alarmEventId);
      const correlationId = currentCorrelationId();
      const input: EscalationChainInput = {
        tenantId,
        executionName,
        alarmEventId,
        alarmId,
        policyId,
        ...(correlationId ? { correlationId } : {}),
      };
      // The execution first: Step Functions keeps names unique, so a retry after a failure here
      // simply tries again. (Row first, a failed StartExecution would leave a row that blocks it.)
      let exists = false;
      try {
        await client.send(
          new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify(input) }),
        );
      } catch (error) {
        if (!(error instanceof ExecutionAlreadyExists)) throw error;
        exists = true;
      }
      // The chain's prepare step writes the same row; whichever comes first wins.
      const { created } = await store.inTenant(tenantId, (repos) =>
        repos.escalations.insertIfAbsent({
          id: options.ids.newId(),
          executionName,
          alarmEventId,
          alarmId,
          policyId,
          startedAt: options.clock.now(),
        }),
      );
      // StartExecution with the same name and input is answered 200 while the execution runs: the
      // table, written by the first start, tells a repeat apart.
      return { executionName, alreadyStarted: exists || !created };
    },

    async stop({ tenantId, alarmId, reason }) {
      const at = options.clock.now();
      const stopped = await store.inTenant(tenantId, async (repos) => {
        const running = await repos.escalations.listRunning({ alarmId });
        for (const run of running)
          await repos.escalations.end(run.executionName, { status: 'stopped', reason, at });
        return running;
      });
      await Promise.all(
        stopped.map(async (run) => {
          try {
            await client.send(
              new StopExecutionCommand({
                executionArn: executionArnOf(stateMachineArn, run.executionName),
                error: 'AlarmAcknowledged',
                cause: reason.slice(0, 256),
              }),
            );
          } catch (error) {
            // Already ended (finished, or stopped by another acknowledgement): nothing left to stop.
            if (!(error instanceof ExecutionDoesNotExist)) throw error;
          }
        }),
      );
    },
  };
}
