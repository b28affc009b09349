// The HTTP API: API Gateway v2 in front of the one API function (createApiHandler), with stage
// throttling and JSON access logs.
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PlantwatchFunction } from './house-function.ts';

export interface ApiProps {
  readonly vpc: ec2.IVpc;
  readonly functionSecurityGroup: ec2.ISecurityGroup;
  readonly environment: Record<string, string>;
  /** Steady requests per second across the stage, and the burst above it. */
  readonly rateLimit?: number;
  readonly burstLimit?: number;
  /**
   * API function instances at most (reserved concurrency): its database connections are budgeted, a
   * burst queues at API Gateway (throttling) instead of exhausting Aurora, and it cannot starve ingest.
   */
  readonly reservedConcurrency: number;
}

export class Api extends Construct {
  readonly httpApi: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly apiFunction: PlantwatchFunction;
  readonly accessLogs: logs.LogGroup;
  /** The API's base URL (https://…/); routes live under /v1. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.apiFunction = new PlantwatchFunction(this, 'Handler', {
      entry: 'functions/src/lambda/api.ts',
      description: 'The Plantwatch HTTP API (every /v1 route)',
      timeout: Duration.seconds(29),
      reservedConcurrentExecutions: props.reservedConcurrency,
      vpc: props.vpc,
      securityGroups: [props.functionSecurityGroup],
      environment: props.environment,
    });

    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'Plantwatch API',
      createDefaultStage: false,
      defaultIntegration: new HttpLambdaIntegration('Api', this.apiFunction, {
        payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
      }),
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit ?? 200, burstLimit: props.burstLimit ?? 400 },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: apigw.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            time: '$context.requestTimeEpoch',
            method: '$context.httpMethod',
            path: '$context.path',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    this.url = this.stage.url;
    // The API authenticates every route itself (sessions and API keys, DESIGN.md "HTTP API");
    // /v1/health and login must be reachable without a token.
    Validations.of(this.httpApi).acknowledge({
      id: 'AwsSolutions::AwsSolutions-APIG4',
      reason: "Authorisation is the API function's: bearer sessions and tenant API keys, checked per route.",
    });
  }

  /**
   * Tenants' notification secrets (Twilio auth token, webhook signing key): the settings routes write
   * them and the Twilio webhooks read the token, one Secrets Manager secret per tenant under `prefix`.
   */
  grantNotificationSecrets(prefix: string): void {
    this.apiFunction.addEnvironment('NOTIFY_SECRETS_PREFIX', prefix);
    const secrets = Stack.of(this).formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${prefix}/*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.apiFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutSecretValue',
          'secretsmanager:CreateSecret',
          'secretsmanager:TagResource',
        ],
        resources: [secrets],
      }),
    );
    Validations.of(this.apiFunction).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${prefix}/*]`,
      reason:
        "Each tenant's notification secret under the one prefix (created on the tenant's first settings change); nothing else in Secrets Manager.",
    });
  }
}
