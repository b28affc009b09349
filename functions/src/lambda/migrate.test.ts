import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { respond } from './migrate.ts';

const event = {
  RequestType: 'Create',
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:migrate',
  ResponseURL: 'https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/signed',
  StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Plantwatch/guid',
  RequestId: 'request-1',
  LogicalResourceId: 'DataMigrations',
  ResourceType: 'Custom::PlantwatchMigrations',
  ResourceProperties: {
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:migrate',
    migrations: 'abc',
  },
} satisfies CloudFormationCustomResourceEvent;

function recordingFetch(status = 200) {
  const sent: { url: string; init: RequestInit }[] = [];
  const send = (async (url: string, init: RequestInit) => {
    sent.push({ url, init });
    return new Response(null, { status });
  }) as unknown as typeof fetch;
  return { sent, send };
}

describe('the migrations custom resource', () => {
  it('answers CloudFormation at the pre-signed URL with a stable physical id', async () => {
    const { sent, send } = recordingFetch();

    await respond(event, { logStreamName: '2026/11/22/[$LATEST]abc' }, { status: 'SUCCESS' }, send);

    expect(sent).toHaveLength(1);
    expect(sent[0]?.url).toBe(event.ResponseURL);
    expect(sent[0]?.init.method).toBe('PUT');
    expect(JSON.parse(String(sent[0]?.init.body))).toEqual({
      Status: 'SUCCESS',
      Reason: 'See 2026/11/22/[$LATEST]abc',
      PhysicalResourceId: 'plantwatch-config-migrations',
      StackId: event.StackId,
      RequestId: 'request-1',
      LogicalResourceId: 'DataMigrations',
    });
  });

  it('reports a failed migration with its reason, so the deployment stops and rolls back', async () => {
    const { sent, send } = recordingFetch();

    await respond(event, { logStreamName: 'stream' }, { status: 'FAILED', reason: 'relation exists' }, send);

    expect(JSON.parse(String(sent[0]?.init.body))).toMatchObject({
      Status: 'FAILED',
      Reason: 'relation exists',
    });
  });

  it('fails loudly when CloudFormation refuses the answer', async () => {
    const { send } = recordingFetch(403);
    await expect(respond(event, { logStreamName: 's' }, { status: 'SUCCESS' }, send)).rejects.toThrow(
      'CloudFormation refused the response: HTTP 403',
    );
  });
});
