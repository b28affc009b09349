// The config push's re-drive on AWS: an EventBridge schedule runs a function every minute that
// publishes, through IoT Core's data plane, the gateways' config versions the broker has not taken yet
// (the API publishes each one as it commits; this catches a throttled or failed publish, or an API
// instance that stopped between commit and publish).
import { Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { PlantwatchFunction } from './house-function.ts';
import type { Iot } from './iot.ts';

export interface ConfigPushProps {
  readonly vpc: ec2.IVpc;
  readonly functionSecurityGroup: ec2.ISecurityGroup;
  /** Where the config store is (the Data construct's database environment). */
  readonly environment: Record<string, string>;
  /** The database login's secret, read at cold start. */
  readonly databaseSecret?: secretsmanager.ISecret;
  /** Grants the data-plane publish on the gateways' cmd/ topics. */
  readonly iot: Iot;
}

export class ConfigPush extends Construct {
  readonly pushFunction: PlantwatchFunction;
  readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: ConfigPushProps) {
    super(scope, id);
    this.pushFunction = new PlantwatchFunction(this, 'Function', {
      entry: 'functions/src/lambda/config-push.ts',
      description: 'Config push: publishes gateway config versions the broker has not taken yet, retained',
      timeout: Duration.minutes(1),
      memorySize: 256,
      // One at a time: the versions are claimed in the database anyway; one connection is enough.
      reservedConcurrentExecutions: 1,
      vpc: props.vpc,
      securityGroups: [props.functionSecurityGroup],
      environment: props.environment,
    });
    props.databaseSecret?.grantRead(this.pushFunction);
    props.iot.grantCloudMessages(this.pushFunction);
    this.schedule = new events.Rule(this, 'Schedule', {
      description: 'Re-drives the config push: versions still pending go to the gateways again',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      // A missed run is made up by the next a minute later; the versions stay pending meanwhile.
      targets: [new targets.LambdaFunction(this.pushFunction, { retryAttempts: 0 })],
    });
  }
}
