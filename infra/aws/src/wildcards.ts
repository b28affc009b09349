// Every IAM grant on "*" (or on everything but some ARNs) in the stack goes through here, with the
// reason it cannot name a resource. cdk-nag's IAM5 finding can only be acknowledged per principal, so
// the acknowledgement is built from this list, and the app test checks every "*" statement in the
// template against it: a grant added without a reason fails the test, not a review.
import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';

export interface WildcardGrant {
  /** The principal (role) the statement is on. */
  readonly principal: IConstruct;
  readonly actions: readonly string[];
  readonly reason: string;
}

const grants = new WeakMap<Stack, WildcardGrant[]>();

/** The grants on "*" of this stack, with their reasons (docs/deploy-aws.md prints them). */
export function wildcardGrants(stack: Stack): readonly WildcardGrant[] {
  return grants.get(stack) ?? [];
}

/** X-Ray's active tracing writes segments on "*": the only resource its API takes. */
export const XRAY_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'] as const;

function principalConstruct(grantee: iam.IGrantable & IConstruct): IConstruct {
  const principal = grantee.grantPrincipal;
  return principal instanceof iam.Role ? principal : grantee;
}

/**
 * Records a "*" statement someone else adds (X-Ray for tracing, log delivery for Step Functions) and
 * acknowledges cdk-nag's finding on `acknowledgeOn` (the construct the finding is reported on).
 */
export function justifyWildcard(
  grantee: iam.IGrantable & IConstruct,
  actions: readonly string[],
  reason: string,
  acknowledgeOn: IConstruct = grantee,
): void {
  const stack = Stack.of(grantee);
  const list = grants.get(stack) ?? [];
  const principal = principalConstruct(grantee);
  list.push({ principal, actions, reason });
  grants.set(stack, list);
  const reasons = list
    .filter((grant) => grant.principal === principal)
    .map((grant) => `${grant.actions.join(', ')}: ${grant.reason}`);
  Validations.of(acknowledgeOn).acknowledge({
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    reason: `Only these actions are granted on "*", each because it names no resource: ${reasons.join(' | ')}`,
  });
}

/** Grants `actions` on "*" to `grantee`, with the reason. */
export function grantOnAnyResource(
  grantee: iam.IGrantable & IConstruct,
  actions: readonly string[],
  reason: string,
): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: [...actions], resources: ['*'] }),
  );
  justifyWildcard(grantee, actions, reason);
}

/**
 * Grants `actions` on everything except `except` (sns:Publish to phone numbers: every topic ARN is
 * excluded, so only direct SMS remains), with the reason.
 */
export function grantOnAnyResourceExcept(
  grantee: iam.IGrantable & IConstruct,
  actions: readonly string[],
  except: readonly string[],
  reason: string,
): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: [...actions], notResources: [...except] }),
  );
  justifyWildcard(grantee, actions, reason);
}
