// Scheduled reports on AWS: an EventBridge Scheduler schedule runs the scheduler function every
// minute (each report's own schedule and time zone are evaluated in code, with the missed-run rule),
// which hands each due run to the worker function by an asynchronous invoke; the worker reads the
// stores, writes the files to the reports bucket and sends the e-mail through SES. Download links
// are signed with a generated Secrets Manager secret.
import { type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { PlantwatchFunction } from './house-function.ts';

export interface ReportsProps {
  readonly vpc: ec2.IVpc;
  readonly functionSecurityGroup: ec2.ISecurityGroup;
  /** The stores environment (database and telemetry). */
  readonly environment: Record<string, string>;
  readonly databaseSecret?: secretsmanager.ISecret;
  /** Where report files are kept (the Data construct's bucket, with its retention). */
  readonly bucket: s3.IBucket;
  /** A verified SES identity the report e-mails come from. */
  readonly fromAddress: string;
  /** The API's public URL: download links in e-mails point there. */
  readonly publicApiUrl: string;
}

export class Reports extends Construct {
  readonly schedulerFunction: PlantwatchFunction;
  readonly workerFunction: PlantwatchFunction;
  readonly schedule: scheduler.Schedule;
  readonly linkSecret: secretsmanager.Secret;
  readonly #fromAddress: string;

  constructor(scope: Construct, id: string, props: ReportsProps) {
    super(scope, id);
    this.#fromAddress = props.fromAddress;
    this.linkSecret = new secretsmanager.Secret(this, 'LinkSecret', {
      description: 'Signs report download links (HMAC-SHA256)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(this.linkSecret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'Rotating the link secret invalidates every download link already e-mailed (valid 7 days); rotate it by hand when it may have leaked.',
    });

    const environment = {
      ...props.environment,
      REPORTS_BUCKET: props.bucket.bucketName,
      REPORT_LINK_SECRET_ARN: this.linkSecret.secretArn,
      REPORT_FROM_ADDRESS: props.fromAddress,
      PUBLIC_API_URL: props.publicApiUrl,
    };
    this.workerFunction = new PlantwatchFunction(this, 'Worker', {
      entry: 'functions/src/lambda/report-worker.ts',
      description: 'Generates one report run (PDF, XLSX, CSV), stores the files and e-mails them',
      timeout: Duration.minutes(5),
      memorySize: 1536,
      // pdfkit reads its standard fonts (.afm files) from its package folder at run time.
      bundling: { nodeModules: ['pdfkit'] },
      vpc: props.vpc,
      securityGroups: [props.functionSecurityGroup],
      environment,
      // A run that failed is recorded as failed in its history; retrying the event would find it no longer queued.
      retryAttempts: 0,
      // Report runs queue (asynchronous invokes wait) rather than take the database from ingest.
      reservedConcurrentExecutions: 5,
    });
    this.schedulerFunction = new PlantwatchFunction(this, 'Scheduler', {
      entry: 'functions/src/lambda/report-scheduler.ts',
      description:
        'Queues the report runs whose schedule slot has passed (once per report, however many slots)',
      timeout: Duration.seconds(55),
      memorySize: 512,
      reservedConcurrentExecutions: 1,
      vpc: props.vpc,
      securityGroups: [props.functionSecurityGroup],
      environment: { ...environment, REPORT_WORKER_FUNCTION: this.workerFunction.functionName },
    });
    // Exact function ARNs (grantInvoke would add "<arn>:*" for versions, which nothing here uses).
    allowInvoke(this.schedulerFunction, this.workerFunction);
    for (const fn of [this.workerFunction, this.schedulerFunction]) {
      props.databaseSecret?.grantRead(fn);
      this.linkSecret.grantRead(fn);
    }
    props.bucket.grantReadWrite(this.workerFunction);
    Validations.of(this.workerFunction).acknowledge(
      ...[
        'Action::s3:GetBucket*',
        'Action::s3:GetObject*',
        'Action::s3:List*',
        'Action::s3:DeleteObject*',
        'Action::s3:Abort*',
      ].map((finding) => ({
        id: `AwsSolutions::AwsSolutions-IAM5[${finding}]`,
        reason:
          'grantReadWrite: object actions on the reports bucket only, where the worker writes run files.',
      })),
      {
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(props.bucket.node.defaultChild as CfnElement)}.Arn>/*]`,
        reason: 'Report files are objects under per-tenant keys; the grant is on this one bucket.',
      },
    );
    this.workerFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendRawEmail', 'ses:SendEmail'],
        resources: sesIdentityArns(this, props.fromAddress),
      }),
    );

    // EventBridge Scheduler's finest rate is a minute; per-report schedules and zones live in code, so
    // a report needs no schedule resource of its own and a missed slot is caught on the next tick.
    this.schedule = new scheduler.Schedule(this, 'Tick', {
      description: 'Runs the report scheduler every minute',
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(1)),
      target: new targets.LambdaInvoke(this.schedulerFunction, {
        retryAttempts: 0,
        role: this.#schedulerRole(),
      }),
    });
  }

  /** The role EventBridge Scheduler assumes to invoke the scheduler function, and nothing else. */
  #schedulerRole(): iam.Role {
    const role = new iam.Role(this, 'TickRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Lets EventBridge Scheduler invoke the report scheduler function',
    });
    // The LambdaInvoke target grants itself invoke on the role, versions included ("<arn>:*").
    const scheduler = Stack.of(this).getLogicalId(this.schedulerFunction.node.defaultChild as CfnElement);
    Validations.of(role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${scheduler}.Arn>:*]`,
      reason:
        'Invoke on the report scheduler function and its versions only; the role serves this one schedule.',
    });
    return role;
  }

  /** The API queues "run now" on the worker and signs download links. */
  grantApi(apiFunction: PlantwatchFunction): void {
    allowInvoke(apiFunction, this.workerFunction);
    this.linkSecret.grantRead(apiFunction);
    apiFunction.addEnvironment('REPORT_WORKER_FUNCTION', this.workerFunction.functionName);
    apiFunction.addEnvironment('REPORT_LINK_SECRET_ARN', this.linkSecret.secretArn);
    apiFunction.addEnvironment('REPORT_FROM_ADDRESS', this.#fromAddress);
  }
}

function allowInvoke(caller: PlantwatchFunction, callee: PlantwatchFunction): void {
  caller.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [callee.functionArn] }),
  );
}

/** The SES identities a From address may be verified as: the address itself or its domain. */
function sesIdentityArns(scope: Construct, fromAddress: string): string[] {
  const address = /<([^>]+)>/.exec(fromAddress)?.[1] ?? fromAddress;
  const domain = address.slice(address.indexOf('@') + 1);
  return [address, domain].map((identity) =>
    Stack.of(scope).formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
  );
}
