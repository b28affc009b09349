import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateKeysAndCertificateCommand,
  CreateThingCommand,
  DeleteCertificateCommand,
  DeleteThingCommand,
  DescribeEndpointCommand,
  DetachPolicyCommand,
  DetachThingPrincipalCommand,
  IoTClient,
  ListThingPrincipalsCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  UpdateCertificateCommand,
  UpdateThingCommand,
} from '@aws-sdk/client-iot';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openLocalCertificateAuthority } from '../local/certificate-authority.ts';
import { AMAZON_ROOT_CA_1_PEM } from './amazon-root-ca.ts';
import {
  awsIotGatewayCertificates,
  createIotClient,
  describeIotDataEndpoint,
  IotProvisioningError,
} from './iot-provisioning.ts';

const gateway = {
  tenantId: '0195f0a0-0000-7000-8000-000000000001',
  siteId: '0195f0a0-0000-7000-8000-000000000002',
  gatewayId: '0195f0a0-0000-7000-8000-000000000003',
};
const certArn = (id: string) => `arn:aws:iot:eu-west-1:123456789012:cert/${id}`;
const ENDPOINT = 'mqtts://abc123-ats.iot.eu-west-1.amazonaws.com:8883';

/** A real certificate, so the adapter's parsing of serial, fingerprint and expiry is exercised. */
async function realCertificate() {
  const ca = await openLocalCertificateAuthority(null);
  return ca.issueGatewayCertificate(gateway);
}

function commandInputs(iot: ReturnType<typeof mockClient>) {
  return iot.calls().map((call) => {
    const command = call.args[0] as { constructor: { name: string }; input: unknown };
    return [command.constructor.name, command.input];
  });
}

describe('awsIotGatewayCertificates', () => {
  const iot = mockClient(IoTClient);
  afterEach(() => iot.reset());
  // The next suite sends real requests through IoTClient.
  afterAll(() => iot.restore());

  function issuer() {
    return awsIotGatewayCertificates({
      client: new IoTClient({ region: 'eu-west-1' }),
      policyName: 'PlantwatchGatewayPolicy',
      thingTypeName: 'PlantwatchGateway',
      endpoint: ENDPOINT,
    });
  }

  it('creates the thing with its tenant and site, a certificate, and attaches the policy and the thing', async () => {
    const certificate = await realCertificate();
    const certificateId = certificate.fingerprintSha256;
    iot.on(CreateThingCommand).resolves({ thingName: gateway.gatewayId });
    iot.on(CreateKeysAndCertificateCommand).resolves({
      certificateArn: certArn(certificateId),
      certificateId,
      certificatePem: certificate.certificatePem,
      keyPair: { PrivateKey: certificate.privateKeyPem, PublicKey: 'unused' },
    });
    iot.on(ListThingPrincipalsCommand).resolves({ principals: [certArn(certificateId)] });

    const issued = await issuer().issue(gateway);

    expect(commandInputs(iot)).toEqual([
      [
        'CreateThingCommand',
        {
          thingName: gateway.gatewayId,
          thingTypeName: 'PlantwatchGateway',
          attributePayload: {
            attributes: { tenantId: gateway.tenantId, siteId: gateway.siteId },
            merge: true,
          },
        },
      ],
      ['CreateKeysAndCertificateCommand', { setAsActive: true }],
      ['AttachPolicyCommand', { policyName: 'PlantwatchGatewayPolicy', target: certArn(certificateId) }],
      ['AttachThingPrincipalCommand', { thingName: gateway.gatewayId, principal: certArn(certificateId) }],
      ['ListThingPrincipalsCommand', { thingName: gateway.gatewayId, nextToken: undefined }],
    ]);
    expect(issued).toEqual({
      certificatePem: certificate.certificatePem,
      privateKeyPem: certificate.privateKeyPem,
      caPem: AMAZON_ROOT_CA_1_PEM,
      serial: certificate.serial,
      fingerprintSha256: certificate.fingerprintSha256,
      notAfter: certificate.notAfter,
    });
  });

  it('revokes the earlier certificates of a re-provisioned gateway, so a replaced box cannot connect', async () => {
    const certificate = await realCertificate();
    const newId = certificate.fingerprintSha256;
    const oldId = 'a'.repeat(64);
    iot
      .on(CreateThingCommand)
      .rejects(
        new ResourceAlreadyExistsException({ message: 'exists with different attributes', $metadata: {} }),
      );
    iot.on(CreateKeysAndCertificateCommand).resolves({
      certificateArn: certArn(newId),
      certificateId: newId,
      certificatePem: certificate.certificatePem,
      keyPair: { PrivateKey: certificate.privateKeyPem },
    });
    iot
      .on(ListThingPrincipalsCommand, { thingName: gateway.gatewayId, nextToken: undefined })
      .resolves({ principals: [certArn(oldId)], nextToken: 'page-2' })
      .on(ListThingPrincipalsCommand, { thingName: gateway.gatewayId, nextToken: 'page-2' })
      .resolves({ principals: [certArn(newId)] });

    await issuer().issue(gateway);

    const calls = commandInputs(iot);
    expect(calls[1]).toEqual([
      'UpdateThingCommand',
      {
        thingName: gateway.gatewayId,
        thingTypeName: 'PlantwatchGateway',
        attributePayload: { attributes: { tenantId: gateway.tenantId, siteId: gateway.siteId }, merge: true },
      },
    ]);
    expect(calls.slice(-3)).toEqual([
      ['UpdateCertificateCommand', { certificateId: oldId, newStatus: 'INACTIVE' }],
      ['DetachPolicyCommand', { policyName: 'PlantwatchGatewayPolicy', target: certArn(oldId) }],
      ['DetachThingPrincipalCommand', { thingName: gateway.gatewayId, principal: certArn(oldId) }],
    ]);
    expect(iot.commandCalls(UpdateCertificateCommand)).toHaveLength(1);
    expect(iot.commandCalls(UpdateThingCommand)).toHaveLength(1);
    // The new certificate stays attached: only the old one is detached.
    expect(iot.commandCalls(DetachPolicyCommand)).toHaveLength(1);
    expect(iot.commandCalls(DetachThingPrincipalCommand)).toHaveLength(1);
  });

  it('deactivates a new certificate that could not be attached, and says which gateway failed', async () => {
    const certificate = await realCertificate();
    const certificateId = certificate.fingerprintSha256;
    iot.on(CreateThingCommand).resolves({});
    iot.on(CreateKeysAndCertificateCommand).resolves({
      certificateArn: certArn(certificateId),
      certificateId,
      certificatePem: certificate.certificatePem,
      keyPair: { PrivateKey: certificate.privateKeyPem },
    });
    iot.on(AttachPolicyCommand).rejects(new Error('policy not found'));

    const issuing = issuer().issue(gateway);

    await expect(issuing).rejects.toThrow(IotProvisioningError);
    await expect(issuing).rejects.toThrow(
      `could not attach the new certificate of gateway ${gateway.gatewayId}`,
    );
    expect(iot.commandCalls(UpdateCertificateCommand).map((call) => call.args[0].input)).toEqual([
      { certificateId, newStatus: 'INACTIVE' },
    ]);
    expect(iot.commandCalls(AttachThingPrincipalCommand)).toHaveLength(0);
  });

  it('removes a gateway: revokes, detaches and deletes each certificate, then the thing', async () => {
    iot.on(ListThingPrincipalsCommand).resolves({ principals: [certArn('c1')] });

    await issuer().removeGateway(gateway.gatewayId);

    expect(commandInputs(iot)).toEqual([
      ['ListThingPrincipalsCommand', { thingName: gateway.gatewayId, nextToken: undefined }],
      ['UpdateCertificateCommand', { certificateId: 'c1', newStatus: 'INACTIVE' }],
      ['DetachPolicyCommand', { policyName: 'PlantwatchGatewayPolicy', target: certArn('c1') }],
      ['DetachThingPrincipalCommand', { thingName: gateway.gatewayId, principal: certArn('c1') }],
      ['DeleteCertificateCommand', { certificateId: 'c1', forceDelete: true }],
      ['DeleteThingCommand', { thingName: gateway.gatewayId }],
    ]);
    expect(iot.commandCalls(DeleteCertificateCommand)).toHaveLength(1);
    expect(iot.commandCalls(DeleteThingCommand)).toHaveLength(1);
  });

  it('retires a deleted gateway by removing its certificates and thing, tolerating one already gone', async () => {
    iot.on(ListThingPrincipalsCommand).resolvesOnce({ principals: [certArn('c2')] });

    await issuer().retire(gateway.gatewayId);

    expect(commandInputs(iot).map(([name]) => name)).toEqual([
      'ListThingPrincipalsCommand',
      'UpdateCertificateCommand',
      'DetachPolicyCommand',
      'DetachThingPrincipalCommand',
      'DeleteCertificateCommand',
      'DeleteThingCommand',
    ]);
    iot.reset();
    iot
      .on(ListThingPrincipalsCommand)
      .rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    await expect(issuer().retire(gateway.gatewayId)).resolves.toBeUndefined();
    expect(iot.commandCalls(DeleteThingCommand)).toHaveLength(0);
  });

  it('hands out the endpoint it was given', () => {
    expect(issuer().endpoint()).toBe(ENDPOINT);
  });

  it('turns the ATS data endpoint into the mqtts URL of the bundle', async () => {
    iot.on(DescribeEndpointCommand, { endpointType: 'iot:Data-ATS' }).resolves({
      endpointAddress: 'abc123-ats.iot.eu-west-1.amazonaws.com',
    });
    await expect(describeIotDataEndpoint(new IoTClient({ region: 'eu-west-1' }))).resolves.toBe(ENDPOINT);
  });
});

describe('createIotClient', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('sends its requests to AWS_ENDPOINT_URL_IOT, so it can run against an emulator', async () => {
    const requests: string[] = [];
    const server = createServer((request, response) => {
      requests.push(`${request.method} ${request.url}`);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ endpointAddress: 'emulated-ats.iot.local' }));
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    try {
      const { port } = server.address() as AddressInfo;
      process.env.AWS_ENDPOINT_URL_IOT = `http://127.0.0.1:${port}`;
      const client = createIotClient({
        region: 'eu-west-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      });

      await expect(describeIotDataEndpoint(client)).resolves.toBe('mqtts://emulated-ats.iot.local:8883');
      expect(requests).toEqual(['GET /endpoint?endpointType=iot%3AData-ATS']);
    } finally {
      server.close();
    }
  });
});
