// The periodic alarm check on AWS: an EventBridge schedule runs a function every minute that applies
// what time alone changes to the alarms (communication loss, on/off delays, shelving expiring).
import { Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { PlantwatchFunction } from './house-function.ts';

export interface AlarmCheckProps {
  readonly vpc: ec2.IVpc;
  readonly functionSecurityGroup: ec2.ISecurityGroup;
  /** Where the config store is (the Data construct's database environment, plus TELEMETRY_STORE). */
  readonly environment: Record<string, string>;
  /** The database login's secret, read at cold start. */
  readonly databaseSecret?: secretsmanager.ISecret;
  /** How often the check runs; EventBridge's finest rate is one minute. */
  readonly rate?: Duration;
}

export class AlarmCheck extends Construct {
  readonly checkFunction: PlantwatchFunction;
  readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: AlarmCheckProps) {
    super(scope, id);
    const rate = props.rate ?? Duration.minutes(1);
    this.checkFunction = new PlantwatchFunction(this, 'Function', {
      entry: 'functions/src/lambda/alarm-check.ts',
      description:
        'Periodic alarm check: communication loss, delays, shelving expiry, intent re-drive, the service and tenant canaries',
      // The check and re-drive, then the canaries' trip (a page through Step Functions into the
      // message log): up to the next run, less a margin, so runs do not pile up (two at once would
      // still be safe: row locks and named executions).
      timeout: Duration.seconds(Math.max(30, Math.min(rate.toSeconds() - 5, 300))),
      memorySize: 512,
      // One run a minute: it needs one instance, and must always get it.
      reservedConcurrentExecutions: 2,
      vpc: props.vpc,
      securityGroups: [props.functionSecurityGroup],
      environment: props.environment,
    });
    props.databaseSecret?.grantRead(this.checkFunction);
    this.schedule = new events.Rule(this, 'Schedule', {
      description: 'Runs the periodic alarm check',
      schedule: events.Schedule.rate(rate),
      // A missed run is made good by the next one a minute later: nothing to retry.
      targets: [new targets.LambdaFunction(this.checkFunction, { retryAttempts: 0 })],
    });
  }
}
