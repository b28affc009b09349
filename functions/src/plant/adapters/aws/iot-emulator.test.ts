// Gateway provisioning on AWS IoT Core, against the local AWS emulator (moto on 127.0.0.1, a port
// chosen at run time): the thing with its tenant and site, a new active certificate attached to the
// thing and the gateway policy, earlier certificates revoked, the bundle's Basic Ingest topic, and a
// gateway's removal. The request-level mock in iot-provisioning.test.ts keeps the failure paths the
// emulator cannot be made to produce (an attach that fails half-way).
import { X509Certificate } from 'node:crypto';
import {
  CreatePolicyCommand,
  CreateThingTypeCommand,
  DescribeCertificateCommand,
  DescribeThingCommand,
  IoTClient,
  ListAttachedPoliciesCommand,
  ListThingPrincipalsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-iot';
import { provisioningBundleSchema, telemetryTopic } from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsEmulator, startAwsEmulator } from '../../../compose/aws-emulator.ts';
import { createPostgresConfigStore } from '../../../compose/config-store.ts';
import { systemClock } from '../../../platform/clock.ts';
import { openConfigDatabase } from '../../../platform/database/database.ts';
import { uuidV7Ids } from '../../../platform/ids.ts';
import type { Principal } from '../../../platform/principal.ts';
import { createProvisioningBundle } from '../../provisioning.ts';
import { newTestPlant } from '../../testing/plant.ts';
import { awsIotGatewayCertificates, describeIotDataEndpoint } from './iot-provisioning.ts';

let emulator: AwsEmulator;
let iot: IoTClient;
const policyName = 'PlantwatchGatewayPolicy';
const thingTypeName = 'PlantwatchGateway';
const ruleName = 'PlantwatchTelemetryRule';

beforeAll(async () => {
  emulator = await startAwsEmulator();
  iot = new IoTClient({
    region: 'us-east-1',
    endpoint: emulator.endpoint,
    credentials: { accessKeyId: 'emulator', secretAccessKey: 'emulator' },
  });
  await iot.send(
    new CreatePolicyCommand({
      policyName,
      policyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' }],
      }),
    }),
  );
  await iot.send(new CreateThingTypeCommand({ thingTypeName }));
}, 120_000);
afterAll(() => emulator?.stop());

const issuer = (endpoint: string) =>
  awsIotGatewayCertificates({
    client: iot,
    policyName,
    thingTypeName,
    endpoint,
    telemetryRuleName: ruleName,
    publishIntervalMs: 5000,
  });

const principalsOf = async (thingName: string) =>
  (await iot.send(new ListThingPrincipalsCommand({ thingName }))).principals ?? [];
const statusOf = async (certificateArn: string) =>
  (
    await iot.send(
      new DescribeCertificateCommand({
        certificateId: certificateArn.slice(certificateArn.lastIndexOf('/') + 1),
      }),
    )
  ).certificateDescription?.status;

describe('gateway provisioning on the emulated IoT Core', () => {
  it('makes the thing with its tenant and site, and a new active certificate attached to it and to the gateway policy', async () => {
    const endpoint = await describeIotDataEndpoint(iot);
    const ids = { tenantId: 't-1', siteId: 's-1', gatewayId: `gw-${Date.now()}` };

    const issued = await issuer(endpoint).issue(ids);

    const thing = await iot.send(new DescribeThingCommand({ thingName: ids.gatewayId }));
    expect(thing).toMatchObject({ thingTypeName, attributes: { tenantId: 't-1', siteId: 's-1' } });
    const [certificateArn, ...more] = await principalsOf(ids.gatewayId);
    expect(more).toEqual([]);
    expect(await statusOf(certificateArn ?? '')).toBe('ACTIVE');
    const policies = await iot.send(new ListAttachedPoliciesCommand({ target: certificateArn }));
    expect(policies.policies?.map((p) => p.policyName)).toEqual([policyName]);
    // The bundle's certificate is the one IoT Core made, and its fingerprint is what gets stored.
    expect(new X509Certificate(issued.certificatePem).fingerprint256.replaceAll(':', '').toLowerCase()).toBe(
      issued.fingerprintSha256,
    );
    expect(issued.privateKeyPem).toContain('PRIVATE KEY');
    expect(endpoint).toMatch(/^mqtts:\/\/[^/]+:8883$/);
  });

  it('revokes the earlier certificate when the gateway is provisioned again, and removes everything with the gateway', async () => {
    const ids = { tenantId: 't-1', siteId: 's-2', gatewayId: `gw-again-${Date.now()}` };
    const certificates = issuer('mqtts://iot.example.com:8883');
    await certificates.issue(ids);
    const [first] = await principalsOf(ids.gatewayId);

    await certificates.issue(ids);

    const [second, ...others] = await principalsOf(ids.gatewayId);
    expect(others).toEqual([]);
    expect(second).not.toBe(first);
    expect(await statusOf(first ?? '')).toBe('INACTIVE');
    expect(await statusOf(second ?? '')).toBe('ACTIVE');

    await certificates.removeGateway(ids.gatewayId);

    await expect(iot.send(new DescribeThingCommand({ thingName: ids.gatewayId }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  // PGlite with every migration applied: about 20 s on an idle two-core runner, more on a busy one.
  it('hands out a bundle that tells the gateway to publish by Basic Ingest, every 5 s', {
    timeout: 120_000,
  }, async () => {
    const database = await openConfigDatabase({ kind: 'pglite' });
    const store = createPostgresConfigStore(database.db, () => database.close());
    try {
      const plant = await newTestPlant(store, { label: 'iot' });
      const principal: Principal = {
        tenantId: plant.tenantId,
        role: 'owner',
        siteIds: null,
        userId: plant.ownerId,
        apiKeyId: null,
        sessionId: null,
      };

      const bundle = await createProvisioningBundle(
        {
          store,
          clock: systemClock,
          ids: uuidV7Ids,
          gatewayCertificates: issuer('mqtts://iot.example.com:8883'),
        },
        principal,
        plant.gatewayId,
      );

      expect(provisioningBundleSchema.parse(bundle).config.mqtt).toEqual({
        telemetryTopic: `$aws/rules/${ruleName}/${telemetryTopic({ tenantId: plant.tenantId, siteId: plant.siteId, gatewayId: plant.gatewayId })}`,
        publishIntervalMs: 5000,
        statusIntervalSeconds: 60,
      });
      expect((await principalsOf(plant.gatewayId)).length).toBe(1);
    } finally {
      await store.close();
    }
  });
});
