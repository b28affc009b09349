// Builds the Plantwatch stack for assertions without bundling (bundling is tested once, in
// house-function.test.ts): the aws:cdk:bundling-stacks context set to [] skips esbuild.
import { App, CfnElement, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { PlantwatchStack } from '../../src/plantwatch-stack.ts';
import { readSettings } from '../../src/settings.ts';

export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

export interface Synthesized {
  app: App;
  stack: PlantwatchStack;
  template: Template;
}

const cache = new Map<string, Synthesized>();

/** The stack for these context values, synthesized once per test file. */
export function plantwatchStack(context: Record<string, unknown> = {}): Synthesized {
  const key = JSON.stringify(context);
  const cached = cache.get(key);
  if (cached) return cached;
  const app = new App({ context: { ...NO_BUNDLING, ...context } });
  const stack = new PlantwatchStack(app, 'Plantwatch', { settings: readSettings(app.node) });
  const synthesized = { app, stack, template: Template.fromStack(stack) };
  cache.set(key, synthesized);
  return synthesized;
}

/** The logical id CloudFormation gives a construct's resource, for Ref / GetAtt assertions. */
export function logicalId(stack: Stack, construct: IConstruct): string {
  const element = CfnElement.isCfnElement(construct) ? construct : construct.node.defaultChild;
  if (!element || !CfnElement.isCfnElement(element))
    throw new Error(`${construct.node.path} has no resource`);
  return stack.getLogicalId(element);
}
