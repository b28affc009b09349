// Housekeeping on AWS: an EventBridge schedule runs a function every hour that deletes long-expired
// sessions and acknowledgement links, fails report runs a crash left queued or running, and applies
// each tenant's retention on its night (report files past it deleted from the reports bucket).
import { type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { PlantwatchFunction } from './house-function.ts';

export interface HousekeepingProps {
  readonly vpc: ec2.IVpc;
  readonly functionSecurityGroup: ec2.ISecurityGroup;
  /** Where the config store is (the Data construct's database environment). */
  readonly environment: Record<string, string>;
  /** The database login's secret, read at cold start. */
  readonly databaseSecret?: secretsmanager.ISecret;
  /** The report files' bucket: files of runs past a tenant's retention are deleted there. */
  readonly reportsBucket?: s3.IBucket;
}

export class Housekeeping extends Construct {
  readonly housekeepingFunction: PlantwatchFunction;
  readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: HousekeepingProps) {
    super(scope, id);
    this.housekeepingFunction = new PlantwatchFunction(this, 'Function', {
      entry: 'functions/src/lambda/housekeeping.ts',
      description:
        'Housekeeping: expired sessions and acknowledgement links, report runs lost to a crash, raw telemetry past its retention',
      timeout: Duration.minutes(5),
      memorySize: 256,
      reservedConcurrentExecutions: 1,
      vpc: props.vpc,
      securityGroups: [props.functionSecurityGroup],
      environment: {
        ...props.environment,
        ...(props.reportsBucket ? { REPORTS_BUCKET: props.reportsBucket.bucketName } : {}),
      },
    });
    props.databaseSecret?.grantRead(this.housekeepingFunction);
    if (props.reportsBucket) {
      props.reportsBucket.grantDelete(this.housekeepingFunction);
      Validations.of(this.housekeepingFunction).acknowledge(
        {
          id: 'AwsSolutions::AwsSolutions-IAM5[Action::s3:DeleteObject*]',
          reason:
            'grantDelete: deleting objects (and their versions) in the reports bucket only, for retention.',
        },
        {
          id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(props.reportsBucket.node.defaultChild as CfnElement)}.Arn>/*]`,
          reason:
            'Report files are objects under per-tenant keys; retention deletes those past it in this bucket only.',
        },
      );
    }
    this.schedule = new events.Rule(this, 'Schedule', {
      description: 'Runs housekeeping on the config store',
      // The same interval as the local runtime's timer (HOUSEKEEPING_INTERVAL_MS).
      schedule: events.Schedule.rate(Duration.hours(1)),
      // A missed run leaves rows for the next one an hour later: nothing to retry.
      targets: [new targets.LambdaFunction(this.housekeepingFunction, { retryAttempts: 0 })],
    });
  }
}
