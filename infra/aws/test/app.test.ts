// App-wide checks: the runtime of every function, and cdk-nag over the whole app in both modes.
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import cdkNag from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { PlantwatchStack } from '../src/plantwatch-stack.ts';
import { readSettings } from '../src/settings.ts';
import { wildcardGrants } from '../src/wildcards.ts';
import { logicalId, NO_BUNDLING } from './support/stack.ts';

interface StateDefinition {
  Type: string;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Branches?: StateMachineDefinition[];
  Iterator?: StateMachineDefinition;
  ItemProcessor?: StateMachineDefinition;
}
interface StateMachineDefinition {
  States: Record<string, StateDefinition>;
}

/** Every Task state, in Parallel branches and Map processors too. */
function taskStates(definition: StateMachineDefinition): [string, StateDefinition][] {
  return Object.entries(definition.States).flatMap(([name, state]): [string, StateDefinition][] => [
    ...(state.Type === 'Task' ? [[name, state] as [string, StateDefinition]] : []),
    ...[
      ...(state.Branches ?? []),
      ...[state.Iterator, state.ItemProcessor].filter((d) => d !== undefined),
    ].flatMap(taskStates),
  ]);
}

function checkedApp(telemetryStore: string, context: Record<string, unknown> = {}) {
  const app = new App({ context: { ...NO_BUNDLING, telemetryStore, ...context } });
  const stack = new PlantwatchStack(app, 'Plantwatch', { settings: readSettings(app.node) });
  Validations.of(app).addPlugins(new cdkNag.AwsSolutionsChecks(app));
  return { app, stack };
}

describe('cdk-nag in these tests', () => {
  // The first synthesis loads cdk-nag's rule packs: seconds, but more on a busy two-core runner.
  it('fails synthesis on a finding nobody acknowledged', { timeout: 120_000 }, () => {
    const app = new App();
    const stack = new Stack(app, 'Unchecked');
    new sqs.Queue(stack, 'NoDeadLetterQueue');
    Validations.of(app).addPlugins(new cdkNag.AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3/);
  });
});

describe('the app with every optional context switch set', () => {
  it('passes cdk-nag too (custom web domain, SES domain identity)', { timeout: 120_000 }, () => {
    const { app } = checkedApp('timestream', {
      webDomainName: 'plant.example.com',
      webCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123',
      sesDomain: 'example.com',
      alarmEmailFrom: 'alarms@example.com',
      rollupEveryMinutes: 15,
    });
    expect(() => app.synth()).not.toThrow();
  });
});

describe.each(['timestream', 'postgres'])('the app with telemetryStore=%s', (telemetryStore) => {
  const { app, stack } = checkedApp(telemetryStore);
  void app;

  // Synthesis with every rule pack takes seconds; on a busy two-core runner it may take more.
  it('passes cdk-nag AwsSolutionsChecks with every finding acknowledged beside its resource', {
    timeout: 120_000,
  }, () => {
    // A finding that is not acknowledged fails synthesis with ValidationFailed.
    expect(() => app.synth()).not.toThrow();
  });

  it('runs every Lambda function on Node 24 and arm64', () => {
    const functions = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
    expect(functions.map((fn) => [fn.Properties.Runtime, fn.Properties.Architectures])).toEqual(
      functions.map(() => ['nodejs24.x', ['arm64']]),
    );
    // API, ingest, migrate, alarm check, 4 escalation tasks, web server, and whatever comes next.
    expect(functions.length).toBeGreaterThanOrEqual(9);
  });

  it('blocks public access to every bucket, encrypts it and refuses plain HTTP', () => {
    const template = Template.fromStack(stack);
    const buckets = template.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets).length).toBeGreaterThanOrEqual(3);
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    for (const [id, bucket] of Object.entries(buckets)) {
      expect(bucket.Properties.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.BucketEncryption, id).toBeDefined();
      const policy = policies.find(
        (p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: id }),
      );
      expect(JSON.stringify(policy?.Properties.PolicyDocument), id).toContain(
        '"aws:SecureTransport":"false"',
      );
    }
  });

  it('lets nothing reach a function without its front door: no function URL, and only AWS services may invoke', () => {
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Url', 0);
    const principals = Object.values(template.findResources('AWS::Lambda::Permission')).map(
      (permission) => permission.Properties.Principal,
    );
    expect(principals.length).toBeGreaterThan(0);
    for (const principal of principals) expect(principal).toMatch(/^[a-z.-]+\.amazonaws\.com$/);
  });

  it("puts no secret value in any function's environment: secrets are named by ARN and read at cold start", () => {
    const template = Template.fromStack(stack);
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    // Every secret of the stack (generated ones and the database logins' attachments): a Ref to one is
    // its ARN; anything else (GetAtt, a dynamic reference) would be its value or part of it.
    const secrets = Object.keys({
      ...template.findResources('AWS::SecretsManager::Secret'),
      ...template.findResources('AWS::SecretsManager::SecretTargetAttachment'),
    });
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    const named = new Set<string>();
    for (const fn of functions) {
      const variables: Record<string, unknown> = fn.Properties.Environment?.Variables ?? {};
      for (const [name, value] of Object.entries(variables)) {
        const json = JSON.stringify(value);
        expect(json, name).not.toMatch(/resolve:(secretsmanager|ssm-secure)/);
        for (const secret of secrets.filter((id) => json.includes(`"${id}"`))) {
          expect(json, `${name} names ${secret} by Ref (its ARN) only`).not.toMatch(
            new RegExp(`"Fn::GetAtt":\\["${secret}"`),
          );
          expect(name, `${name} carries ${secret}`).toMatch(/_ARN$|^SECRETS_TO_ENV$/);
          named.add(secret);
        }
        if (/SECRET|PASSWORD|TOKEN|PRIVATE/.test(name)) {
          // a secret's ARN, where it lives, or which secret goes where: never the value
          expect(name, name).toMatch(/_ARN$|^NOTIFY_SECRETS_PREFIX$|^SECRETS_TO_ENV$/);
        }
      }
    }
    // The cookie key, the proxy secret, the TOTP key ring, the report links' key, the functions' login.
    expect(named.size).toBeGreaterThanOrEqual(5);
  });

  it('grants "*" only with a reason: every such statement in the template is listed with its actions', () => {
    const template = Template.fromStack(stack);
    const listed = new Map<string, Set<string>>();
    for (const grant of wildcardGrants(stack)) {
      const role = logicalId(stack, grant.principal);
      const actions = listed.get(role) ?? new Set<string>();
      for (const action of grant.actions) actions.add(action);
      listed.set(role, actions);
      expect(grant.reason.length, role).toBeGreaterThan(20);
    }
    let checked = 0;
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      const roles = (policy.Properties.Roles ?? []).map((role: { Ref: string }) => role.Ref);
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        const anyResource = [statement.Resource].flat().includes('*') || statement.NotResource !== undefined;
        if (!anyResource) continue;
        for (const role of roles) {
          for (const action of [statement.Action].flat()) {
            checked += 1;
            expect(listed.get(role)?.has(action), `${role}: ${action} on "*"`).toBe(true);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('gives every Task state of every state machine a timeout', () => {
    const machines = Object.values(
      Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine'),
    );
    expect(machines.length).toBeGreaterThanOrEqual(1);
    for (const machine of machines) {
      const definition = JSON.parse(machine.Properties.DefinitionString) as StateMachineDefinition;
      const tasks = taskStates(definition);
      expect(tasks.length).toBeGreaterThan(0);
      for (const [name, task] of tasks) {
        expect(
          { name, timeout: task.TimeoutSeconds ?? task.TimeoutSecondsPath },
          `${name} has a timeout`,
        ).toEqual({ name, timeout: expect.anything() });
      }
    }
  });
});
