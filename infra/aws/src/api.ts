// The HTTP API: API Gateway v2 in front of the one API function (createApiHandler), with stage
// throttling and JSON access logs.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
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
      withMigrations: true,
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
}
