// The held-pages flush on AWS: a flood of alarms on one site holds pages for a short window and sends
// each person one digest when it closes (docs/notifications.md "Floods"). No process keeps a timer on
// AWS, so an EventBridge schedule runs this function every minute; it pages, so it gets the paging grants.
import { Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { PlantwatchFunction } from './house-function.ts';
import { grantPaging, type PagingOptions } from './paging.ts';

export interface NotifyFlushProps {
  readonly vpc: ec2.IVpc;
  readonly functionSecurityGroup: ec2.ISecurityGroup;
  /** Where the stores are (the Data construct's environment). */
  readonly environment: Record<string, string>;
  readonly paging: PagingOptions;
}

export class NotifyFlush extends Construct {
  readonly flushFunction: PlantwatchFunction;
  readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: NotifyFlushProps) {
    super(scope, id);
    this.flushFunction = new PlantwatchFunction(this, 'Function', {
      entry: 'functions/src/lambda/notify-flush.ts',
      description: 'Sends the digests of flood windows that have closed (held pages), for every tenant',
      timeout: Duration.seconds(55),
      memorySize: 512,
      reservedConcurrentExecutions: 1,
      vpc: props.vpc,
      securityGroups: [props.functionSecurityGroup],
      environment: props.environment,
    });
    grantPaging(this.flushFunction, props.paging);
    this.schedule = new events.Rule(this, 'Schedule', {
      description: 'Flushes held pages whose flood window has closed',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      // A missed run is made good by the next one a minute later: nothing to retry.
      targets: [new targets.LambdaFunction(this.flushFunction, { retryAttempts: 0 })],
    });
  }
}
