import { describe, expect, it } from 'vitest';
import {
  escalationDefinitionJson,
  escalationExecutionName,
  escalationStateMachineDefinition,
  escalationTaskOfState,
  escalationTaskPlaceholders,
  escalationTasks,
  executionNameSchema,
} from './escalation-asl.ts';

const definition = escalationStateMachineDefinition();
const states = Object.entries(definition.States);
const taskStates = states.filter(([, state]) => state.Type === 'Task');

function nextsOf(state: Record<string, unknown>): string[] {
  const targets: string[] = [];
  if (typeof state.Next === 'string') targets.push(state.Next);
  if (typeof state.Default === 'string') targets.push(state.Default);
  for (const list of [state.Choices, state.Catch]) {
    if (Array.isArray(list)) for (const entry of list) targets.push((entry as { Next: string }).Next);
  }
  return targets;
}

describe('escalation state machine definition', () => {
  it('gives every Task a timeout, retries with backoff and a Catch', () => {
    expect(taskStates.length).toBeGreaterThanOrEqual(escalationTasks.length);
    for (const [name, state] of taskStates) {
      expect(state.TimeoutSeconds, name).toBeGreaterThan(0);
      const retriers = state.Retry as { ErrorEquals: string[]; MaxAttempts: number; BackoffRate?: number }[];
      const retryAll = retriers.find((r) => r.ErrorEquals.includes('States.ALL'));
      expect(retryAll?.MaxAttempts, name).toBeGreaterThan(1);
      expect(retryAll?.BackoffRate, name).toBeGreaterThan(1);
      // States.ALL must come last, alone
      expect(retriers.at(-1)).toBe(retryAll);
      expect(state.Catch, name).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'] })]);
    }
  });

  it('only ever moves to states it defines, and reaches every state it defines', () => {
    const names = new Set(Object.keys(definition.States));
    const reached = new Set([definition.StartAt]);
    const queue = [definition.StartAt];
    for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
      const state = definition.States[name];
      expect(state, `state ${name}`).toBeDefined();
      for (const next of nextsOf(state ?? {})) {
        expect(names.has(next), `${name} → ${next}`).toBe(true);
        if (!reached.has(next)) {
          reached.add(next);
          queue.push(next);
        }
      }
    }
    expect([...reached].sort()).toEqual([...names].sort());
  });

  it('uses placeholders for resources until an environment substitutes them', () => {
    const resources = new Set(taskStates.map(([, state]) => state.Resource));
    expect([...resources].sort()).toEqual(Object.values(escalationTaskPlaceholders).sort());
    const arns = Object.fromEntries(
      escalationTasks.map((task) => [task, `arn:aws:lambda:eu-west-1:123456789012:function:${task}`]),
    ) as Record<(typeof escalationTasks)[number], string>;
    const json = escalationDefinitionJson(arns);
    expect(json).not.toContain('${');
    for (const [name, state] of Object.entries(JSON.parse(json).States) as [
      string,
      { Type: string; Resource?: string },
    ][]) {
      if (state.Type === 'Task') expect(state.Resource).toBe(arns[escalationTaskOfState[name] ?? 'prepare']);
    }
  });

  it('maps every Task state to the handler that runs it', () => {
    expect(Object.keys(escalationTaskOfState).sort()).toEqual(taskStates.map(([name]) => name).sort());
  });

  it('names executions after the alarm event within Step Functions limits', () => {
    const name = escalationExecutionName('0195f3c1-7d2a-7b3c-9d4e-5f6a7b8c9d0e');
    expect(name).toBe('alarm-event-0195f3c1-7d2a-7b3c-9d4e-5f6a7b8c9d0e');
    expect(executionNameSchema.safeParse(name).success).toBe(true);
    expect(executionNameSchema.safeParse('has space').success).toBe(false);
  });
});
