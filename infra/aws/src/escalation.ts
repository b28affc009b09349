// Escalation chains on AWS: a Standard Step Functions workflow built from the same ASL the local
// runtime runs (shared/src/escalation-asl.ts), its Task placeholders substituted with the ARNs of
// four house Lambda functions (prepare, check, notify, record).
import {
  type EscalationTask,
  escalationDefinitionJson,
  escalationTaskPlaceholders,
  escalationTasks,
} from '@plantwatch/shared';
import { ArnFormat, type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, type IConstruct } from 'constructs';
import { PlantwatchFunction } from './house-function.ts';

export interface EscalationProps {
  readonly vpc: ec2.IVpc;
  readonly functionSecurityGroup: ec2.ISecurityGroup;
  /** What the task functions need: the stores' settings. */
  readonly environment: Record<string, string>;
  /** The verified SES identity alarm e-mails come from. */
  readonly emailFromAddress: string;
  /** The API's public https URL: e-mail acknowledgement links and Twilio callbacks point there. */
  readonly publicApiUrl: string;
  /** Tenants' provider secrets are `<prefix>/<tenantId>/notifications` in Secrets Manager. */
  readonly notifySecretsPrefix?: string;
}

const pascal = (task: EscalationTask) => `${task.charAt(0).toUpperCase()}${task.slice(1)}`;

/** The name inside `${Name}`, which is what definitionSubstitutions keys on. */
const substitutionKey = (placeholder: string) => placeholder.slice(2, -1);

export class Escalation extends Construct {
  readonly taskFunctions: Readonly<Record<EscalationTask, PlantwatchFunction>>;
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: EscalationProps) {
    super(scope, id);
    const secretsPrefix = props.notifySecretsPrefix ?? 'plantwatch/tenants';
    const taskFunctions = {} as Record<EscalationTask, PlantwatchFunction>;
    for (const task of escalationTasks) {
      taskFunctions[task] = new PlantwatchFunction(this, `${pascal(task)}Task`, {
        entry: `functions/src/lambda/escalation-${task}.ts`,
        description: `Escalation chain: the ${task} task`,
        // The ASL gives notify 120 s (several recipients, each possibly failing over); the rest 30 s.
        timeout: Duration.seconds(task === 'notify' ? 115 : 28),
        // openConfigDatabase applies pending migrations, so the bundle carries them
        withMigrations: true,
        vpc: props.vpc,
        securityGroups: [props.functionSecurityGroup],
        environment: {
          ...props.environment,
          SES_FROM_ADDRESS: props.emailFromAddress,
          PUBLIC_API_URL: props.publicApiUrl,
          NOTIFY_SECRETS_PREFIX: secretsPrefix,
        },
      });
    }
    this.taskFunctions = taskFunctions;
    this.grantNotify(taskFunctions.notify, props.emailFromAddress, secretsPrefix);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const substitutions = Object.fromEntries(
      escalationTasks.map((task) => [
        substitutionKey(escalationTaskPlaceholders[task]),
        taskFunctions[task].functionArn,
      ]),
    );
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      comment: 'Plantwatch escalation chain (the same ASL the local runtime runs)',
      definitionBody: sfn.DefinitionBody.fromString(escalationDefinitionJson(escalationTaskPlaceholders)),
      definitionSubstitutions: substitutions,
      tracingEnabled: true,
      // Execution data carries phone numbers and e-mail addresses: states and errors only.
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    for (const fn of Object.values(taskFunctions)) fn.grantInvoke(this.stateMachine);

    Validations.of(this.stateMachine).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason:
          'Step Functions log delivery (logs:CreateLogDelivery and friends) and X-Ray accept only "*", as AWS documents.',
      },
      ...escalationTasks.map((task) => ({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(taskFunctions[task].node.defaultChild as CfnElement)}.Arn>:*]`,
        reason: 'lambda:InvokeFunction on the task function and its versions (grantInvoke), nothing else.',
      })),
    );
  }

  /** SMS by SNS (a phone number is no resource), e-mail by SES from its identity, tenants' Twilio secrets. */
  private grantNotify(fn: PlantwatchFunction, fromAddress: string, secretsPrefix: string): void {
    const stack = Stack.of(this);
    const domain = fromAddress.slice(fromAddress.indexOf('@') + 1);
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: fromAddress }),
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: domain }),
        ],
      }),
    );
    const secrets = stack.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${secretsPrefix}/*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secrets] }),
    );
    Validations.of(fn).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason:
          'sns:Publish straight to a phone number (SMS) has no resource to name; X-Ray also needs "*". Nothing else is granted on "*".',
      },
      {
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${secretsPrefix}/*]`,
        reason:
          "Read-only: each tenant's notification secret (Twilio token, webhook key) under the one prefix.",
      },
    );
  }

  /** The execution ARN prefix of this state machine (executions are named after alarm events). */
  executionArnPattern(): string {
    return Stack.of(this).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${this.stateMachine.stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /** Lets the alarm code start chains and stop the running ones of an acknowledged alarm. */
  grantStartStop(grantee: iam.IGrantable & IConstruct): void {
    this.stateMachine.grantStartExecution(grantee);
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['states:StopExecution'],
      resourceArns: [this.executionArnPattern()],
    });
    const machine = Stack.of(this).getLogicalId(this.stateMachine.node.defaultChild as CfnElement);
    Validations.of(grantee).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<${machine}.Name>:*]`,
      reason:
        "StopExecution on this state machine's executions only: their names (the alarm events') are not known at deploy time.",
    });
  }
}
