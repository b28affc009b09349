// Timer-based derived tags on AWS (ADR 0051): an EventBridge schedule runs a function every minute that
// computes each derived tag with a period at the boundaries that passed, stores the points and hands
// them to the alarms, with ingest's stores. A period under a minute gets all its points, a minute at a time.
import { Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { PlantwatchFunction } from './house-function.ts';

export interface DerivedTagTimerProps {
  readonly vpc: ec2.IVpc;
  readonly functionSecurityGroup: ec2.ISecurityGroup;
  /** Where the config and telemetry stores are (the Data construct's environments). */
  readonly environment: Record<string, string>;
  /** How often the timer runs; EventBridge's finest rate is one minute. */
  readonly rate?: Duration;
}

export class DerivedTagTimer extends Construct {
  readonly timerFunction: PlantwatchFunction;
  readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: DerivedTagTimerProps) {
    super(scope, id);
    const rate = props.rate ?? Duration.minutes(1);
    this.timerFunction = new PlantwatchFunction(this, 'Function', {
      entry: 'functions/src/lambda/derived-tag-timer.ts',
      description: 'Derived tags with a period: computed at each boundary, stored and alarmed',
      timeout: Duration.seconds(Math.max(30, Math.min(rate.toSeconds() - 5, 300))),
      memorySize: 512,
      // One at a time: a warm container carries its inputs' values from run to run; a second one
      // would only compute the same boundaries again (the store and the alarms skip them).
      reservedConcurrentExecutions: 1,
      vpc: props.vpc,
      securityGroups: [props.functionSecurityGroup],
      environment: props.environment,
    });
    this.schedule = new events.Rule(this, 'Schedule', {
      description: 'Runs the derived tags with a period',
      schedule: events.Schedule.rate(rate),
      // A missed run is made good by the next one (it looks back two minutes): nothing to retry.
      targets: [new targets.LambdaFunction(this.timerFunction, { retryAttempts: 0 })],
    });
  }
}
