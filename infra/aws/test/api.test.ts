import { Match } from 'aws-cdk-lib/assertions';
import { describe, it } from 'vitest';
import { logicalId, plantwatchStack } from './support/stack.ts';

const { stack, template } = plantwatchStack();

describe('the API construct', () => {
  it('serves every route from the API function through a payload 2.0 proxy integration', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [logicalId(stack, stack.api.apiFunction), 'Arn'] },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default' });
  });

  it('throttles the stage and writes JSON access logs with the request id', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [logicalId(stack, stack.api.accessLogs), 'Arn'] },
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
      },
    });
  });

  it("lets the API function keep tenants' notification secrets under their prefix, and nothing wider", () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: [
              'secretsmanager:GetSecretValue',
              'secretsmanager:PutSecretValue',
              'secretsmanager:CreateSecret',
              'secretsmanager:TagResource',
            ],
            Resource: {
              'Fn::Join': ['', Match.arrayWith([':secret:plantwatch/tenants/*'])],
            },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ NOTIFY_SECRETS_PREFIX: 'plantwatch/tenants' }) },
    });
  });

  it('tells the API function where the stores and the gateway policy are', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          IOT_POLICY_NAME: { Ref: logicalId(stack, stack.iot.gatewayPolicy) },
          DATABASE_SECRET_ARN: Match.anyValue(),
          DATABASE_NAME: 'plantwatch',
          TELEMETRY_STORE: 'postgres',
          DATABASE_TELEMETRY_ROLE: 'plantwatch_telemetry',
          IOT_TELEMETRY_RULE_NAME: { Ref: logicalId(stack, stack.iot.telemetryRule) },
          GATEWAY_PUBLISH_INTERVAL_MS: '5000',
        }),
      },
    });
  });
});
