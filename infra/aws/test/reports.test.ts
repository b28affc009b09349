import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { logicalId, plantwatchStack } from './support/stack.ts';

const { stack, template } = plantwatchStack();

/** Every IAM action granted to a function's role. */
function actionsOf(roleLogicalIdPrefix: string): string[] {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: Match.stringLikeRegexp(roleLogicalIdPrefix) }] },
  });
  return Object.values(policies).flatMap((policy) =>
    (
      policy as { Properties: { PolicyDocument: { Statement: { Action: string | string[] }[] } } }
    ).Properties.PolicyDocument.Statement.flatMap((statement) => [statement.Action].flat()),
  );
}

describe('the Reports construct', () => {
  it('runs the report scheduler every minute from EventBridge Scheduler, without retries', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [logicalId(stack, stack.reports.schedulerFunction), 'Arn'] },
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 0 }),
      }),
    });
  });

  it('hands runs to the worker by name, and lets the scheduler and the API invoke it', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('Queues the report runs'),
      Environment: {
        Variables: Match.objectLike({
          REPORT_WORKER_FUNCTION: { Ref: logicalId(stack, stack.reports.workerFunction) },
          REPORTS_BUCKET: Match.anyValue(),
          REPORT_LINK_SECRET_ARN: { Ref: logicalId(stack, stack.reports.linkSecret) },
        }),
      },
    });
    expect(actionsOf('ReportsSchedulerServiceRole')).toContain('lambda:InvokeFunction');
    expect(actionsOf('ApiHandlerServiceRole')).toContain('lambda:InvokeFunction');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          REPORT_WORKER_FUNCTION: { Ref: logicalId(stack, stack.reports.workerFunction) },
          REPORT_FROM_ADDRESS: 'alarms@plantwatch.example.com',
          IOT_POLICY_NAME: Match.anyValue(),
        }),
      },
    });
  });

  it('lets the worker write report files, read the link secret and send raw e-mail, and nothing wider', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('Generates one report run'),
      Timeout: 300,
      Environment: {
        Variables: Match.objectLike({ PUBLIC_API_URL: Match.anyValue(), DATABASE_HOST: Match.anyValue() }),
      },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(stack, stack.reports.workerFunction) },
      MaximumRetryAttempts: 0,
    });
    const actions = actionsOf('ReportsWorkerServiceRole');
    expect(actions).toEqual(
      expect.arrayContaining(['s3:PutObject', 'secretsmanager:GetSecretValue', 'ses:SendRawEmail']),
    );
    expect(actions).not.toContain('s3:*');
  });

  it('generates the download-link secret instead of taking one from the template', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Description: 'Signs report download links (HMAC-SHA256)',
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
    });
  });
});
