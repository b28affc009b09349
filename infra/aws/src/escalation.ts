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
import { grantPaging } from './paging.ts';
import { justifyWildcard, XRAY_ACTIONS } from './wildcards.ts';

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
  /** Instances of each task function at most (reserved: chains never starve, and never starve others). */
  readonly reservedConcurrency?: number;
}

/** What Step Functions' vended log delivery needs, on "*". */
const LOG_DELIVERY_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
];

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
        vpc: props.vpc,
        securityGroups: [props.functionSecurityGroup],
        environment: {
          ...props.environment,
          SES_FROM_ADDRESS: props.emailFromAddress,
          PUBLIC_API_URL: props.publicApiUrl,
          NOTIFY_SECRETS_PREFIX: secretsPrefix,
        },
        // A few chains at once is normal; a flood's pages are held and flushed as digests.
        reservedConcurrentExecutions: props.reservedConcurrency ?? 10,
      });
    }
    this.taskFunctions = taskFunctions;
    grantPaging(taskFunctions.notify, {
      emailFromAddress: props.emailFromAddress,
      secretsPrefix,
      publicApiUrl: props.publicApiUrl,
    });

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

    justifyWildcard(
      this.stateMachine,
      [...LOG_DELIVERY_ACTIONS, ...XRAY_ACTIONS, 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
      'Step Functions log delivery to CloudWatch Logs and X-Ray tracing take "*" only, as AWS documents',
    );
    Validations.of(this.stateMachine).acknowledge(
      ...escalationTasks.map((task) => ({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(taskFunctions[task].node.defaultChild as CfnElement)}.Arn>:*]`,
        reason: 'lambda:InvokeFunction on the task function and its versions (grantInvoke), nothing else.',
      })),
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
