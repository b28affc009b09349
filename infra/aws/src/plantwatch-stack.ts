// The whole product on AWS in one stack, composed of one construct per concern.
import { isAbsolute } from 'node:path';
import { type CfnElement, CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { AlarmCheck } from './alarm-check.ts';
import { Api } from './api.ts';
import { ConfigPush } from './config-push.ts';
import { Data } from './data.ts';
import { Escalation } from './escalation.ts';
import { repoRoot } from './house-function.ts';
import { Housekeeping } from './housekeeping.ts';
import { Iot } from './iot.ts';
import { Network } from './network.ts';
import { Notify } from './notify.ts';
import { Operations } from './operations.ts';
import { Reports } from './reports.ts';
import type { DeploymentSettings } from './settings.ts';
import { Web } from './web.ts';

export interface PlantwatchStackProps extends StackProps {
  readonly settings: DeploymentSettings;
}

export class PlantwatchStack extends Stack {
  readonly network: Network;
  readonly data: Data;
  readonly iot: Iot;
  readonly api: Api;
  readonly alarmCheck: AlarmCheck;
  readonly housekeeping: Housekeeping;
  readonly configPush: ConfigPush;
  readonly escalation: Escalation;
  readonly operations: Operations;
  readonly reports: Reports;
  readonly web: Web;
  readonly notify: Notify;

  constructor(scope: Construct, id: string, props: PlantwatchStackProps) {
    super(scope, id, props);
    const { settings } = props;
    this.network = new Network(this, 'Network');
    this.data = new Data(this, 'Data', {
      vpc: this.network.vpc,
      functionSecurityGroup: this.network.functionSecurityGroup,
      telemetryStore: settings.telemetryStore,
      memoryRetentionHours: settings.memoryRetentionHours,
      magneticRetentionDays: settings.magneticRetentionDays,
      minCapacityAcu: settings.auroraMinAcu,
      maxCapacityAcu: settings.auroraMaxAcu,
      reportRetentionDays: settings.reportRetentionDays,
      rollupEvery: Duration.minutes(settings.rollupEveryMinutes),
    });
    const storesEnvironment = { ...this.data.databaseEnvironment, ...this.data.telemetryEnvironment() };

    this.iot = new Iot(this, 'Iot', {
      vpc: this.network.vpc,
      functionSecurityGroup: this.network.functionSecurityGroup,
      ingestEnvironment: storesEnvironment,
    });
    this.api = new Api(this, 'Api', {
      vpc: this.network.vpc,
      functionSecurityGroup: this.network.functionSecurityGroup,
      environment: {
        ...storesEnvironment,
        IOT_POLICY_NAME: this.iot.gatewayPolicy.ref,
        IOT_THING_TYPE_NAME: this.iot.thingType.ref,
        REPORTS_BUCKET: this.data.reportsBucket.bucketName,
      },
    });
    this.iot.grantProvisioning(this.api.apiFunction);
    // Config versions and command requests, published by the API through IoT Core's data plane.
    this.iot.grantCloudMessages(this.api.apiFunction);
    this.api.grantNotificationSecrets('plantwatch/tenants');
    this.alarmCheck = new AlarmCheck(this, 'AlarmCheck', {
      vpc: this.network.vpc,
      functionSecurityGroup: this.network.functionSecurityGroup,
      environment: storesEnvironment,
      databaseSecret: this.data.cluster.secret,
    });
    this.configPush = new ConfigPush(this, 'ConfigPush', {
      vpc: this.network.vpc,
      functionSecurityGroup: this.network.functionSecurityGroup,
      environment: storesEnvironment,
      databaseSecret: this.data.cluster.secret,
      iot: this.iot,
    });
    this.housekeeping = new Housekeeping(this, 'Housekeeping', {
      vpc: this.network.vpc,
      functionSecurityGroup: this.network.functionSecurityGroup,
      environment: storesEnvironment,
      databaseSecret: this.data.cluster.secret,
    });

    // Ingest and the periodic check raise alarms (start chains), the API acknowledges them (stops chains).
    this.escalation = new Escalation(this, 'Escalation', {
      vpc: this.network.vpc,
      functionSecurityGroup: this.network.functionSecurityGroup,
      environment: storesEnvironment,
      emailFromAddress: settings.alarmEmailFrom,
      publicApiUrl: this.api.url,
    });
    for (const fn of [this.api.apiFunction, this.iot.ingestFunction, this.alarmCheck.checkFunction]) {
      fn.addEnvironment('ESCALATION_STATE_MACHINE_ARN', this.escalation.stateMachine.stateMachineArn);
      this.escalation.grantStartStop(fn);
    }
    for (const fn of Object.values(this.escalation.taskFunctions)) this.data.cluster.secret?.grantRead(fn);

    for (const fn of [this.api.apiFunction, this.iot.ingestFunction]) {
      this.data.cluster.secret?.grantRead(fn);
      this.data.grantTelemetry(fn);
    }
    this.data.reportsBucket.grantRead(this.api.apiFunction);
    Validations.of(this.api.apiFunction).acknowledge(
      ...['Action::s3:GetBucket*', 'Action::s3:GetObject*', 'Action::s3:List*'].map((finding) => ({
        id: `AwsSolutions::AwsSolutions-IAM5[${finding}]`,
        reason: 'grantRead: read-only actions on the reports bucket and its objects, nothing else.',
      })),
      {
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${this.getLogicalId(this.data.reportsBucket.node.defaultChild as CfnElement)}.Arn>/*]`,
        reason: 'Reports are objects under per-tenant keys the API reads; the grant is on this bucket only.',
      },
    );

    this.web = new Web(this, 'Web', {
      apiUrl: this.api.url,
      ...(settings.webBundle
        ? {
            bundleDir: isAbsolute(settings.webBundle)
              ? settings.webBundle
              : `${repoRoot}${settings.webBundle}`,
          }
        : {}),
      ...(settings.webDomainName && settings.webCertificateArn
        ? { domainName: settings.webDomainName, certificateArn: settings.webCertificateArn }
        : {}),
    });

    this.reports = new Reports(this, 'Reports', {
      vpc: this.network.vpc,
      functionSecurityGroup: this.network.functionSecurityGroup,
      environment: storesEnvironment,
      ...(this.data.cluster.secret ? { databaseSecret: this.data.cluster.secret } : {}),
      bucket: this.data.reportsBucket,
      fromAddress: settings.alarmEmailFrom,
      publicApiUrl: this.api.url,
    });
    this.reports.grantApi(this.api.apiFunction);
    this.data.grantTelemetry(this.reports.workerFunction);

    this.operations = new Operations(this, 'Operations', {
      stateMachines: [this.escalation.stateMachine],
      // Every function in the stack, whoever added it: build Operations after the last one.
      functions: this.node.findAll().filter((c): c is lambda.Function => c instanceof lambda.Function),
      deadLetterQueues: [
        this.iot.telemetryDeadLetterQueue,
        this.iot.ruleErrorQueue,
        ...(this.data.rollups ? [this.data.rollups.failureQueue] : []),
      ],
      telemetryQueue: this.iot.telemetryQueue,
    });

    this.notify = new Notify(this, 'Notify', {
      emailFromAddress: settings.alarmEmailFrom,
      ...(settings.sesDomain ? { sesDomain: settings.sesDomain } : {}),
      smsMonthlySpendLimitUsd: settings.smsMonthlySpendLimitUsd,
      alarmTopic: this.operations.alarmTopic,
    });
    for (const sender of [this.escalation.taskFunctions.notify, this.reports.workerFunction]) {
      this.notify.grantSendEmail(sender);
    }

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'WebUrl', { value: this.web.url });
    new CfnOutput(this, 'GatewayPolicyName', { value: this.iot.gatewayPolicy.ref });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.operations.alarmTopic.topicArn });
    new CfnOutput(this, 'TelemetryStore', { value: settings.telemetryStore });
  }
}
