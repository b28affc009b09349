// The whole product on AWS in one stack, composed of one construct per concern. Sized from the load
// model (load-model.ts); a deployment that cannot work (a connection budget over what Aurora allows,
// reserved concurrency over the account's quota) fails synthesis with what to change (ADR 0026).
import { isAbsolute } from 'node:path';
import { type CfnElement, CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { Accounts } from './accounts.ts';
import { AlarmCheck } from './alarm-check.ts';
import { Api } from './api.ts';
import { ConfigPush } from './config-push.ts';
import { Data } from './data.ts';
import { DerivedTagTimer } from './derived-tag-timer.ts';
import { Escalation } from './escalation.ts';
import { PlantwatchFunction, repoRoot } from './house-function.ts';
import { Housekeeping } from './housekeeping.ts';
import { HttpIngest } from './http-ingest.ts';
import { Iot } from './iot.ts';
import { auroraMaxConnections, ingestSizing, trafficOf } from './load-model.ts';
import { Network } from './network.ts';
import { Notify } from './notify.ts';
import { NotifyFlush } from './notify-flush.ts';
import { Operations } from './operations.ts';
import { grantPaging, type PagingOptions } from './paging.ts';
import { Reports } from './reports.ts';
import { type DeploymentSettings, InvalidContextError } from './settings.ts';
import { Web } from './web.ts';

export interface PlantwatchStackProps extends StackProps {
  readonly settings: DeploymentSettings;
}

/** Connections each instance of a function may open (pools of DATABASE_MAX_CONNECTIONS, default 2). */
export interface DatabaseUse {
  readonly fn: lambda.Function;
  readonly connectionsPerInstance: number;
}

/** Lambda keeps this much of an account's concurrency unreserved; reservations may not touch it. */
const UNRESERVED_MINIMUM = 100;
/** Connections left for people, the rotation functions and Aurora's own (10 %, at least 10). */
const RESERVED_CONNECTIONS_FRACTION = 0.1;

export class PlantwatchStack extends Stack {
  readonly network: Network;
  readonly data: Data;
  readonly iot: Iot;
  readonly api: Api;
  readonly alarmCheck: AlarmCheck;
  readonly derivedTagTimer: DerivedTagTimer;
  readonly housekeeping: Housekeeping;
  readonly configPush: ConfigPush;
  readonly escalation: Escalation;
  readonly operations: Operations;
  readonly reports: Reports;
  readonly web: Web;
  readonly accounts: Accounts;
  readonly notify: Notify;
  readonly notifyFlush: NotifyFlush;
  /** Every function that opens the database, and its connections per instance. */
  readonly databaseUses: readonly DatabaseUse[];
  /** Σ reserved concurrency × connections per instance: what the functions may hold at most. */
  readonly connectionBudget: number;
  readonly reservedConcurrency: number;

  constructor(scope: Construct, id: string, props: PlantwatchStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const traffic = trafficOf(settings.load);
    const sizing = ingestSizing(traffic, settings.ingestQueue, settings.ingestConcurrency);

    this.network = new Network(this, 'Network');
    this.data = new Data(this, 'Data', {
      vpc: this.network.vpc,
      functionSecurityGroup: this.network.functionSecurityGroup,
      telemetryStore: settings.telemetryStore,
      memoryRetentionHours: settings.memoryRetentionHours,
      magneticRetentionDays: settings.magneticRetentionDays,
      rawRetentionDays: settings.rawRetentionDays,
      minCapacityAcu: settings.auroraMinAcu,
      maxCapacityAcu: settings.auroraMaxAcu,
      storage: settings.auroraStorage,
      reportRetentionDays: settings.reportRetentionDays,
      rollupEvery: Duration.minutes(settings.rollupEveryMinutes),
    });
    const storesEnvironment = { ...this.data.databaseEnvironment, ...this.data.telemetryEnvironment() };
    const paging = (publicApiUrl?: string): PagingOptions => ({
      emailFromAddress: settings.alarmEmailFrom,
      secretsPrefix: 'plantwatch/tenants',
      ...(publicApiUrl ? { publicApiUrl } : {}),
    });

    this.iot = new Iot(this, 'Iot', {
      vpc: this.network.vpc,
      functionSecurityGroup: this.network.functionSecurityGroup,
      ingestEnvironment: storesEnvironment,
      sizing,
    });
    this.api = new Api(this, 'Api', {
      vpc: this.network.vpc,
      functionSecurityGroup: this.network.functionSecurityGroup,
      reservedConcurrency: settings.apiConcurrency,
      environment: {
        ...storesEnvironment,
        IOT_POLICY_NAME: this.iot.gatewayPolicy.ref,
        IOT_THING_TYPE_NAME: this.iot.thingType.ref,
        // Provisioning bundles tell gateways to publish by Basic Ingest, every publishSeconds.
        IOT_TELEMETRY_RULE_NAME: this.iot.telemetryRule.ref,
        GATEWAY_PUBLISH_INTERVAL_MS: String(Math.round(settings.load.publishSeconds * 1000)),
        REPORTS_BUCKET: this.data.reportsBucket.bucketName,
      },
    });
    this.iot.grantProvisioning(this.api.apiFunction);
    // Config versions and command requests, published by the API through IoT Core's data plane.
    this.iot.grantCloudMessages(this.api.apiFunction);
    // HTTP push: its own throttled route, into the telemetry rule by Basic Ingest (issue 18).
    new HttpIngest(this, 'HttpIngest', { api: this.api, telemetryRule: this.iot.telemetryRule });
    this.api.grantNotificationSecrets('plantwatch/tenants');
    // Contact test sends (POST /v1/contacts/{id}/test) page through the same notifier.
    grantPaging(this.api.apiFunction, paging());

    this.escalation = new Escalation(this, 'Escalation', {
      vpc: this.network.vpc,
      functionSecurityGroup: this.network.functionSecurityGroup,
      environment: storesEnvironment,
      emailFromAddress: settings.alarmEmailFrom,
      publicApiUrl: this.api.url,
    });
    this.alarmCheck = new AlarmCheck(this, 'AlarmCheck', {
      vpc: this.network.vpc,
      functionSecurityGroup: this.network.functionSecurityGroup,
      environment: storesEnvironment,
    });
    // The tenant canaries page through the notifier; the service canary and the intents' re-drive
    // start and stop chains.
    grantPaging(this.alarmCheck.checkFunction, paging(this.api.url));
    this.derivedTagTimer = new DerivedTagTimer(this, 'DerivedTagTimer', {
      vpc: this.network.vpc,
      functionSecurityGroup: this.network.functionSecurityGroup,
      environment: storesEnvironment,
    });
    this.configPush = new ConfigPush(this, 'ConfigPush', {
      vpc: this.network.vpc,
      functionSecurityGroup: this.network.functionSecurityGroup,
      environment: storesEnvironment,
      iot: this.iot,
    });
    this.housekeeping = new Housekeeping(this, 'Housekeeping', {
      vpc: this.network.vpc,
      functionSecurityGroup: this.network.functionSecurityGroup,
      environment: storesEnvironment,
      reportsBucket: this.data.reportsBucket,
    });
    this.notifyFlush = new NotifyFlush(this, 'NotifyFlush', {
      vpc: this.network.vpc,
      functionSecurityGroup: this.network.functionSecurityGroup,
      environment: storesEnvironment,
      paging: paging(this.api.url),
    });

    // Ingest and the periodic check raise alarms (start chains), the API acknowledges them (stops chains).
    for (const fn of [
      this.api.apiFunction,
      this.iot.ingestFunction,
      this.alarmCheck.checkFunction,
      this.derivedTagTimer.timerFunction,
    ]) {
      fn.addEnvironment('ESCALATION_STATE_MACHINE_ARN', this.escalation.stateMachine.stateMachineArn);
      this.escalation.grantStartStop(fn);
    }
    for (const fn of [this.api.apiFunction, this.iot.ingestFunction, this.derivedTagTimer.timerFunction]) {
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

    this.accounts = new Accounts(this, 'Accounts', {
      fromAddress: settings.accountEmailFrom,
      signUpPlan: settings.signupPlan,
    });
    this.web = new Web(this, 'Web', {
      vpc: this.network.vpc,
      apiUrl: this.api.url,
      apiProxySecret: this.accounts.webProxySecret,
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
    // Verification and reset links point at the web app; TOTP and forwarded addresses (issue 15).
    this.accounts.grantApi(this.api.apiFunction, this.web.url);

    this.reports = new Reports(this, 'Reports', {
      vpc: this.network.vpc,
      functionSecurityGroup: this.network.functionSecurityGroup,
      environment: storesEnvironment,
      bucket: this.data.reportsBucket,
      fromAddress: settings.alarmEmailFrom,
      publicApiUrl: this.api.url,
    });
    this.reports.grantApi(this.api.apiFunction);
    this.data.grantTelemetry(this.reports.workerFunction);
    this.data.grantTelemetry(this.reports.schedulerFunction);

    // Every function that opens the database: its login, its place after the migrations, its budget.
    const pools = settings.telemetryStore === 'postgres' ? 2 : 1;
    const perPool = 2; // DATABASE_MAX_CONNECTIONS' default
    const both = pools * perPool;
    this.databaseUses = [
      { fn: this.api.apiFunction, connectionsPerInstance: both },
      { fn: this.iot.ingestFunction, connectionsPerInstance: both },
      { fn: this.alarmCheck.checkFunction, connectionsPerInstance: perPool },
      { fn: this.derivedTagTimer.timerFunction, connectionsPerInstance: both },
      { fn: this.housekeeping.housekeepingFunction, connectionsPerInstance: perPool + (pools - 1) },
      ...Object.values(this.escalation.taskFunctions).map((fn) => ({ fn, connectionsPerInstance: perPool })),
      { fn: this.notifyFlush.flushFunction, connectionsPerInstance: perPool },
      { fn: this.configPush.pushFunction, connectionsPerInstance: perPool },
      { fn: this.reports.workerFunction, connectionsPerInstance: both },
      { fn: this.reports.schedulerFunction, connectionsPerInstance: both },
    ];
    for (const { fn } of this.databaseUses) {
      this.data.grantDatabase(fn);
      // Updated after the migrations resource ran: a new function never meets an old schema.
      fn.node.addDependency(this.data.migrations);
    }
    const reservations = this.node
      .findAll()
      .filter((c): c is PlantwatchFunction => c instanceof PlantwatchFunction);
    this.connectionBudget = this.#checkConnectionBudget(settings);
    this.reservedConcurrency = this.#checkReservedConcurrency(settings, reservations);

    this.operations = new Operations(this, 'Operations', {
      stateMachines: [this.escalation.stateMachine],
      // Every function in the stack, whoever added it: build Operations after the last one.
      functions: this.node.findAll().filter((c): c is lambda.Function => c instanceof lambda.Function),
      deadLetterQueues: [
        this.iot.telemetryDeadLetterQueue,
        this.iot.ruleErrorQueue,
        ...(this.data.rollups ? [this.data.rollups.failureQueue] : []),
      ],
      ...(this.iot.telemetryQueue ? { telemetryQueue: this.iot.telemetryQueue } : {}),
      ...(this.iot.telemetryStream ? { telemetryStream: this.iot.telemetryStream } : {}),
      database: {
        cluster: this.data.cluster,
        maxAcu: settings.auroraMaxAcu,
        connectionBudget: this.connectionBudget,
      },
      ...(this.data.timestreamDatabase && this.data.timestreamTable
        ? {
            timestream: {
              database: this.data.timestreamDatabase.ref,
              table: this.data.timestreamTable.attrName,
            },
          }
        : {}),
      httpApi: this.api.httpApi,
      webOrigin: this.web.loadBalancer,
      distribution: this.web.distribution,
      monthlyBudgetUsd: settings.monthlyBudgetUsd,
    });

    this.notify = new Notify(this, 'Notify', {
      emailFromAddress: settings.alarmEmailFrom,
      ...(settings.sesDomain ? { sesDomain: settings.sesDomain } : {}),
      smsMonthlySpendLimitUsd: settings.smsMonthlySpendLimitUsd,
      alarmTopic: this.operations.alarmTopic,
    });
    for (const sender of [
      this.escalation.taskFunctions.notify,
      this.reports.workerFunction,
      this.api.apiFunction,
      this.alarmCheck.checkFunction,
      this.notifyFlush.flushFunction,
    ]) {
      this.notify.grantSendEmail(sender);
    }

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'WebUrl', { value: this.web.url });
    new CfnOutput(this, 'GatewayPolicyName', { value: this.iot.gatewayPolicy.ref });
    new CfnOutput(this, 'TelemetryRuleName', { value: this.iot.telemetryRule.ref });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.operations.alarmTopic.topicArn });
    new CfnOutput(this, 'TelemetryStore', { value: settings.telemetryStore });
    new CfnOutput(this, 'IngestQueue', {
      value: `${sizing.queue}: ${sizing.shards} shards, concurrency ${sizing.concurrency}, batches of ${sizing.batchSize}`,
    });
  }

  /** The functions' connections at most must fit Aurora's max_connections, less a margin. */
  #checkConnectionBudget(settings: DeploymentSettings): number {
    const budget = this.databaseUses.reduce((sum, use) => {
      const reserved = use.fn instanceof PlantwatchFunction ? use.fn.reservedConcurrency : undefined;
      if (reserved === undefined) {
        throw new InvalidContextError(
          `${use.fn.node.path} opens the database without reserved concurrency: its connections could not be budgeted`,
        );
      }
      return sum + reserved * use.connectionsPerInstance;
    }, 0);
    const max = auroraMaxConnections(settings.auroraMinAcu, settings.auroraMaxAcu);
    const available = max - Math.max(10, Math.ceil(max * RESERVED_CONNECTIONS_FRACTION));
    if (budget > available) {
      throw new InvalidContextError(
        `the functions may open ${budget} database connections, but Aurora at auroraMaxAcu=${settings.auroraMaxAcu} allows ${max} (${available} after a margin for people and rotation): raise auroraMaxAcu, or lower apiConcurrency / ingestConcurrency / the load model`,
      );
    }
    return budget;
  }

  /** Reservations must leave the account's 100 unreserved; a new account's quota may be far lower. */
  #checkReservedConcurrency(settings: DeploymentSettings, functions: readonly PlantwatchFunction[]): number {
    const reserved = functions.reduce((sum, fn) => sum + (fn.reservedConcurrency ?? 0), 0);
    if (reserved + UNRESERVED_MINIMUM > settings.lambdaAccountConcurrency) {
      throw new InvalidContextError(
        `the stack reserves ${reserved} concurrent Lambda executions and Lambda keeps ${UNRESERVED_MINIMUM} unreserved, over the account's quota of ${settings.lambdaAccountConcurrency} (lambdaAccountConcurrency): ask for a higher "Concurrent executions" quota (Service Quotas, Lambda) and set lambdaAccountConcurrency to it, or lower apiConcurrency and the load model`,
      );
    }
    return reserved;
  }
}
