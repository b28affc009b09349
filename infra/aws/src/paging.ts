// What a function that pages people needs (the escalation chain's notify task, the API's contact test
// sends, the alarm check's tenant canaries, the held-pages flush): SMS by SNS to phone numbers only,
// e-mail by SES from its identity, tenants' provider secrets read-only, and the settings to match.
import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { PlantwatchFunction } from './house-function.ts';
import { grantOnAnyResourceExcept } from './wildcards.ts';

export interface PagingOptions {
  /** The verified SES identity e-mails come from (an address, or `Name <address>`). */
  readonly emailFromAddress: string;
  /** Tenants' provider secrets are `<prefix>/<tenantId>/notifications` in Secrets Manager. */
  readonly secretsPrefix: string;
  /** E-mail acknowledgement links and Twilio callbacks point there (unset for the API itself). */
  readonly publicApiUrl?: string;
}

/** The SES identities a From address may be verified as: the address itself or its domain. */
export function sesIdentityArns(scope: Construct, fromAddress: string): string[] {
  const address = /<([^>]+)>/.exec(fromAddress)?.[1] ?? fromAddress;
  const domain = address.slice(address.indexOf('@') + 1);
  return [address, domain].map((identity) =>
    Stack.of(scope).formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
  );
}

export function grantPaging(fn: PlantwatchFunction, options: PagingOptions): void {
  const stack = Stack.of(fn);
  fn.addEnvironment('SES_FROM_ADDRESS', options.emailFromAddress);
  fn.addEnvironment('NOTIFY_SECRETS_PREFIX', options.secretsPrefix);
  if (options.publicApiUrl) fn.addEnvironment('PUBLIC_API_URL', options.publicApiUrl);
  // A phone number is no resource; every topic ARN is excluded, so nothing but direct SMS is allowed.
  grantOnAnyResourceExcept(
    fn,
    ['sns:Publish'],
    [`arn:${stack.partition}:sns:*:*:*`],
    'SMS straight to a phone number has no resource ARN; NotResource excludes every SNS topic',
  );
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ses:SendEmail'],
      resources: sesIdentityArns(fn, options.emailFromAddress),
    }),
  );
  const secrets = stack.formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: `${options.secretsPrefix}/*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secrets] }),
  );
  Validations.of(fn).acknowledge({
    id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${options.secretsPrefix}/*]`,
    reason: "Read-only: each tenant's notification secret (Twilio token, webhook key) under the one prefix.",
  });
}
