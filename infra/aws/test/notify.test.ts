// The Notify construct and the notification paths through the rest of the stack: SES identity (from
// context) with DKIM and a suppressing configuration set, the SMS spend alarm, the webhook routes.
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { HTTP_INGEST_ROUTE } from '../src/http-ingest.ts';
import { PlantwatchStack } from '../src/plantwatch-stack.ts';
import { readSettings } from '../src/settings.ts';
import { logicalId, NO_BUNDLING, plantwatchStack } from './support/stack.ts';

function stackWith(context: Record<string, unknown>) {
  const app = new App({ context: { ...NO_BUNDLING, ...context } });
  const stack = new PlantwatchStack(app, 'Plantwatch', { settings: readSettings(app.node) });
  return { stack, template: Template.fromStack(stack) };
}

describe('the Notify construct without sesDomain', () => {
  const { stack, template } = plantwatchStack();

  it('creates no SES identity (it is managed outside the stack) and no configuration set', () => {
    template.resourceCountIs('AWS::SES::EmailIdentity', 0);
    template.resourceCountIs('AWS::SES::ConfigurationSet', 0);
    expect(stack.notify.emailIdentity).toBeUndefined();
  });

  it('alarms at 80 % of the default 1 USD monthly SMS spend limit, to the operations topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SNS',
      MetricName: 'SMSMonthToDateSpentUSD',
      Threshold: 0.8,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: logicalId(stack, stack.operations.alarmTopic) }],
    });
  });

  it('sends every /v1 request, the Twilio webhooks and e-mail acknowledgement links included, to the API function', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
    // HTTP push has a route of its own only to be throttled apart (http-ingest.ts); same function.
    expect(routes.map((route) => route.Properties.RouteKey).sort()).toEqual(['$default', HTTP_INGEST_ROUTE]);
    const integrations = Object.values(template.findResources('AWS::ApiGatewayV2::Integration'));
    expect(integrations).toHaveLength(2);
    for (const integration of integrations) {
      expect(integration.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [logicalId(stack, stack.api.apiFunction), 'Arn'] },
      });
    }
  });
});

describe('the Notify construct with sesDomain', () => {
  const { stack, template } = stackWith({
    sesDomain: 'plant.example.com',
    alarmEmailFrom: 'alarms@plant.example.com',
    smsMonthlySpendLimitUsd: 50,
  });

  it('creates the DKIM-signed domain identity with a configuration set that suppresses bounces and complaints', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'plant.example.com',
      DkimAttributes: { SigningEnabled: true },
      ConfigurationSetAttributes: {
        ConfigurationSetName: { Ref: logicalId(stack, stack.notify.configurationSet ?? stack) },
      },
    });
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
    });
    const outputs = Object.keys(template.findOutputs('*', { Description: Match.stringLikeRegexp('DKIM') }));
    expect(outputs).toHaveLength(3);
  });

  it.each([
    ['the notify task', () => stack.escalation.taskFunctions.notify],
    ['the report worker', () => stack.reports.workerFunction],
  ])('lets %s send through the configuration set', (_name, sender) => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: Match.arrayWith([{ Ref: logicalId(stack, sender().role ?? stack) }]),
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['ses:SendEmail', 'ses:SendRawEmail'],
            Resource: {
              'Fn::Join': [
                '',
                Match.arrayWith([
                  ':configuration-set/',
                  { Ref: logicalId(stack, stack.notify.configurationSet ?? stack) },
                ]),
              ],
            },
          }),
        ]),
      },
    });
  });

  it('alarms at 80 % of the SMS spend limit given in context', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'SMSMonthToDateSpentUSD',
      Threshold: 40,
    });
  });

  it.each([
    [{ sesDomain: 'not a domain' }, /sesDomain/],
    [
      { sesDomain: 'plant.example.com', alarmEmailFrom: 'alarms@other.example.com' },
      /not an address of sesDomain/,
    ],
    [{ smsMonthlySpendLimitUsd: 0 }, /smsMonthlySpendLimitUsd/],
  ])('refuses context %j', (context, message) => {
    expect(() => stackWith(context)).toThrow(message);
  });
});
