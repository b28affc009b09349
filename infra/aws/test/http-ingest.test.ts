import { describe, expect, it } from 'vitest';
import { logicalId, plantwatchStack } from './support/stack.ts';

const { stack, template } = plantwatchStack();

describe('the HttpIngest construct', () => {
  it('gives POST /v1/ingest/http a route of its own, throttled apart from the rest of the API', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /v1/ingest/http' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      RouteSettings: { 'POST /v1/ingest/http': { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 } },
    });
  });

  it("lets the API function publish telemetry on the telemetry rule's Basic Ingest topics, nothing more", () => {
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: logicalId(stack, stack.api.apiFunction.role ?? stack.api.apiFunction) }] },
    });
    const statements = Object.values(policies).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] } } })
          .Properties.PolicyDocument.Statement,
    );
    const basicIngest = statements.filter((s) => JSON.stringify(s.Resource ?? null).includes('$aws/rules/'));
    expect(basicIngest).toHaveLength(1);
    expect(basicIngest[0]?.Action).toBe('iot:Publish');
    expect(JSON.stringify(basicIngest[0]?.Resource)).toContain(
      `{"Ref":"${logicalId(stack, stack.iot.telemetryRule)}"}`,
    );
    expect(JSON.stringify(basicIngest[0]?.Resource)).toContain('/dt/*/*/*/telemetry');
  });
});
