// Notifications on AWS: the SES identity alarm e-mails come from (with a configuration set that
// suppresses bounced and complaining addresses) and the SMS spend alarm for SNS. The rest lives with
// its function: the notify task's sending rights and tenants' secrets (Twilio credentials, webhook
// keys, one Secrets Manager secret per tenant, created at run time) in escalation.ts, the API's rights
// on those secrets in api.ts; the inbound Twilio webhooks and e-mail acknowledgement links are /v1
// routes the HTTP API's default route sends to the API function.
import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface NotifyProps {
  /** The address alarm e-mails are sent from; its domain is the SES identity when `sesDomain` is unset. */
  readonly emailFromAddress: string;
  /** Create (and DKIM-sign for) this SES domain identity. Unset: the identity is managed outside the stack. */
  readonly sesDomain?: string;
  /** The account's monthly SMS spend limit in USD (SNS default: 1); the alarm fires at 80 % of it. */
  readonly smsMonthlySpendLimitUsd: number;
  /** Where the SMS spend alarm goes (the Operations topic). */
  readonly alarmTopic?: sns.ITopic;
}

export class Notify extends Construct {
  readonly emailIdentity?: ses.EmailIdentity;
  readonly configurationSet?: ses.ConfigurationSet;
  readonly smsSpendAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: NotifyProps) {
    super(scope, id);

    if (props.sesDomain) {
      if (!props.emailFromAddress.endsWith(`@${props.sesDomain}`)) {
        throw new Error(
          `alarmEmailFrom ${props.emailFromAddress} is not an address of sesDomain ${props.sesDomain}`,
        );
      }
      this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
        reputationMetrics: true,
        suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
        tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      });
      this.emailIdentity = new ses.EmailIdentity(this, 'EmailIdentity', {
        identity: ses.Identity.domain(props.sesDomain),
        configurationSet: this.configurationSet,
        dkimSigning: true,
      });
      // No hosted-zone lookup (synthesis stays offline): publish these three CNAMEs in the domain's DNS.
      this.emailIdentity.dkimRecords.forEach((record, index) => {
        new CfnOutput(this, `DkimRecord${index + 1}`, {
          description: `SES DKIM CNAME ${index + 1} for ${props.sesDomain}`,
          value: `${record.name} CNAME ${record.value}`,
        });
      });
    }

    // SNS stops sending SMS for the rest of the month at the spend limit: warn well before.
    this.smsSpendAlarm = new cloudwatch.Alarm(this, 'SmsSpend', {
      metric: new cloudwatch.Metric({
        namespace: 'AWS/SNS',
        metricName: 'SMSMonthToDateSpentUSD',
        statistic: 'Maximum',
        period: Duration.hours(1),
      }),
      threshold: props.smsMonthlySpendLimitUsd * 0.8,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `SMS spend this month is at 80 % of the ${props.smsMonthlySpendLimitUsd} USD limit: raise it (SNS text messaging preferences) before SMS stop`,
    });
    if (props.alarmTopic) this.smsSpendAlarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));
  }

  /**
   * With a default configuration set on the identity, SES authorises SendEmail against the set as
   * well as the identity (escalation.ts grants the identity): this grants the set.
   */
  grantSendEmail(grantee: iam.IGrantable): void {
    if (!this.configurationSet) return;
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [
          Stack.of(this).formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: this.configurationSet.configurationSetName,
          }),
        ],
      }),
    );
  }
}
