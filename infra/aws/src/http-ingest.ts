// HTTP push on AWS (issue 18): POST /v1/ingest/http is a route of its own on the HTTP API, throttled
// apart from the rest of the API (small devices retry; they must not crowd out people), served by the
// same API function, which publishes each request's telemetry message on the telemetry rule's Basic
// Ingest topic: the rule puts it on the same ingest stream or queue as a gateway's (ADR 0032).
import { Stack, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as iot from 'aws-cdk-lib/aws-iot';
import { Construct } from 'constructs';
import type { Api } from './api.ts';

export const HTTP_INGEST_ROUTE = 'POST /v1/ingest/http';

export interface HttpIngestProps {
  readonly api: Api;
  readonly telemetryRule: iot.CfnTopicRule;
  /** Steady requests per second over all devices, and the burst above it (per device: the API's own limit). */
  readonly rateLimit?: number;
  readonly burstLimit?: number;
}

export class HttpIngest extends Construct {
  readonly route: apigwv2.HttpRoute;

  constructor(scope: Construct, id: string, props: HttpIngestProps) {
    super(scope, id);
    const { api } = props;
    [this.route] = api.httpApi.addRoutes({
      path: '/v1/ingest/http',
      methods: [apigwv2.HttpMethod.POST],
      integration: new HttpLambdaIntegration('HttpIngest', api.apiFunction, {
        payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
      }),
    }) as [apigwv2.HttpRoute];
    const stage = api.stage.node.defaultChild as apigwv2.CfnStage;
    stage.addPropertyOverride(`RouteSettings.${HTTP_INGEST_ROUTE}`, {
      ThrottlingRateLimit: props.rateLimit ?? 50,
      ThrottlingBurstLimit: props.burstLimit ?? 100,
    });
    // The stage's settings need the route to exist first.
    stage.node.addDependency(this.route);

    const { account, region, partition } = Stack.of(this);
    const resource = `arn:${partition}:iot:${region}:${account}:topic/$aws/rules/${props.telemetryRule.ref}/dt/*/*/*/telemetry`;
    api.apiFunction.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['iot:Publish'], resources: [resource] }),
    );
    Validations.of(api.apiFunction).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:topic/$aws/rules/<${Stack.of(this).getLogicalId(props.telemetryRule)}>/dt/*/*/*/telemetry]`,
      reason:
        'Any tenant, site and gateway of the telemetry rule: HTTP push devices are made at run time; the API publishes telemetry by Basic Ingest only, to that one rule.',
    });
  }
}
