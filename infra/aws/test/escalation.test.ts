import { escalationStateMachineDefinition, escalationTaskPlaceholders } from '@plantwatch/shared';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { logicalId, plantwatchStack } from './support/stack.ts';

const { stack, template } = plantwatchStack();

describe('the escalation construct', () => {
  it('is a Standard workflow with X-Ray tracing and logs without execution data', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [
          {
            CloudWatchLogsLogGroup: {
              LogGroupArn: { 'Fn::GetAtt': [logicalId(stack, stack.escalation.logGroup), 'Arn'] },
            },
          },
        ],
      },
    });
  });

  it('runs the shared ASL, each task placeholder substituted with its Lambda ARN', () => {
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    expect(JSON.parse(machine?.Properties.DefinitionString)).toEqual(escalationStateMachineDefinition());
    const substitutions = Object.fromEntries(
      Object.entries(escalationTaskPlaceholders).map(([task, placeholder]) => [
        placeholder.slice(2, -1),
        {
          'Fn::GetAtt': [
            logicalId(stack, stack.escalation.taskFunctions[task as keyof typeof escalationTaskPlaceholders]),
            'Arn',
          ],
        },
      ]),
    );
    expect(machine?.Properties.DefinitionSubstitutions).toEqual(substitutions);
  });

  it('may invoke its task functions and nothing else', () => {
    const fnArns = Object.values(stack.escalation.taskFunctions).map((fn) => ({
      'Fn::GetAtt': [logicalId(stack, fn), 'Arn'],
    }));
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^EscalationStateMachineRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'lambda:InvokeFunction', Resource: Match.arrayWith([fnArns[0]]) }),
        ]),
      },
    });
  });

  it('gives ingest, the alarm check and the API the state machine and the right to start and stop its executions', () => {
    const arn = { Ref: logicalId(stack, stack.escalation.stateMachine) };
    for (const fn of [stack.api.apiFunction, stack.iot.ingestFunction, stack.alarmCheck.checkFunction]) {
      const [resource] = Object.values(
        template.findResources('AWS::Lambda::Function', {
          Properties: { Environment: { Variables: { ESCALATION_STATE_MACHINE_ARN: arn } } },
        }),
      ).filter((candidate) => candidate === template.toJSON().Resources[logicalId(stack, fn)]);
      expect(resource, fn.node.path).toBeDefined();
    }
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'states:StartExecution', Resource: arn }),
          Match.objectLike({ Action: 'states:StopExecution' }),
        ]),
      },
    });
  });

  it('bundles no migrations with the task functions: only the migrations resource migrates, once per deploy', () => {
    for (const fn of Object.values(stack.escalation.taskFunctions)) {
      const resource = template.toJSON().Resources[logicalId(stack, fn)];
      expect(resource.Properties.Handler).toBe('index.handler');
      expect(resource.DependsOn).toContain(logicalId(stack, stack.data.migrations));
    }
  });

  it('gives the notify task the longest timeout, inside the ASL task timeout of 120 s', () => {
    const notify = template.toJSON().Resources[logicalId(stack, stack.escalation.taskFunctions.notify)];
    expect(notify.Properties.Timeout).toBeLessThan(120);
    expect(notify.Properties.Timeout).toBeGreaterThan(60);
  });

  it("lets the notify task send SMS and e-mail and read tenants' notification secrets, and tells it where from", () => {
    const notify = stack.escalation.taskFunctions.notify;
    template.hasResourceProperties('AWS::Lambda::Function', {
      Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EscalationNotifyTaskServiceRole'), 'Arn'] },
      Environment: {
        Variables: Match.objectLike({
          SES_FROM_ADDRESS: 'alarms@plantwatch.example.com',
          NOTIFY_SECRETS_PREFIX: 'plantwatch/tenants',
          PUBLIC_API_URL: Match.anyValue(),
        }),
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalId(stack, notify.role as never) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sns:Publish',
            NotResource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:*:*:*']] },
          }),
          Match.objectLike({ Action: 'ses:SendEmail' }),
          Match.objectLike({
            Action: 'secretsmanager:GetSecretValue',
            Resource: { 'Fn::Join': ['', Match.arrayWith([':secret:plantwatch/tenants/*'])] },
          }),
        ]),
      },
    });
  });
});
