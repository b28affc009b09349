// Gateway certificates from AWS IoT Core: the GatewayCertificateIssuer port (the same one the local
// CA implements), so "create gateway" hands out the same provisioning bundle on AWS as locally.
// A gateway is a thing named by its gateway id, with tenantId and siteId attributes that the
// gateway policy's variables scope its topics to.
import { X509Certificate } from 'node:crypto';
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
  type IoTClientConfig,
  ListThingPrincipalsCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  UpdateCertificateCommand,
  UpdateThingCommand,
} from '@aws-sdk/client-iot';
import { telemetryTopic } from '@plantwatch/shared';
import type { GatewayCertificateIssuer, IssuedGatewayCertificate } from '../../ports.ts';
import { AMAZON_ROOT_CA_1_PEM } from './amazon-root-ca.ts';

/**
 * An IoT control-plane client. The SDK reads AWS_ENDPOINT_URL_IOT (or AWS_ENDPOINT_URL) by itself,
 * which points it at an emulator; nothing here overrides that.
 */
export function createIotClient(config: IoTClientConfig = {}): IoTClient {
  return new IoTClient(config);
}

/** The account's ATS data endpoint, as the mqtts:// URL the provisioning bundle carries. */
export async function describeIotDataEndpoint(client: IoTClient): Promise<string> {
  const { endpointAddress } = await client.send(
    new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }),
  );
  if (!endpointAddress) throw new IotProvisioningError('AWS IoT returned no iot:Data-ATS endpoint');
  return `mqtts://${endpointAddress}:8883`;
}

export class IotProvisioningError extends Error {}

/** How often gateways on AWS publish their retained status between changes (the cost model's too). */
export const AWS_STATUS_INTERVAL_SECONDS = 60;

export interface AwsIotGatewayCertificatesOptions {
  client: IoTClient;
  /** The gateway policy (infra/aws Iot construct): own client id and own topics only. */
  policyName: string;
  thingTypeName?: string;
  /** mqtts://<ats endpoint>:8883, from describeIotDataEndpoint or configuration. */
  endpoint: string;
  /** The telemetry rule: bundles tell gateways to publish to it by Basic Ingest (no messaging charge). */
  telemetryRuleName?: string;
  /** How often gateways publish (the interval the stack's ingest is sized for). */
  publishIntervalMs?: number;
}

export interface GatewayIds {
  tenantId: string;
  siteId: string;
  gatewayId: string;
}

/** The port, plus what removing a gateway needs (the port has no revocation yet). */
export interface AwsIotGatewayCertificates extends GatewayCertificateIssuer {
  /** Deactivates and detaches every certificate of the gateway except `keepCertificateArn`. */
  revokeCertificates(gatewayId: string, keepCertificateArn?: string): Promise<string[]>;
  /** Revokes, detaches and deletes every certificate of the gateway, then the thing. */
  removeGateway(gatewayId: string): Promise<void>;
}

const certificateIdOf = (certificateArn: string) => certificateArn.slice(certificateArn.lastIndexOf('/') + 1);

export function awsIotGatewayCertificates(
  options: AwsIotGatewayCertificatesOptions,
): AwsIotGatewayCertificates {
  const { client, policyName, thingTypeName, endpoint, telemetryRuleName, publishIntervalMs } = options;

  async function thingCertificates(thingName: string): Promise<string[]> {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(new ListThingPrincipalsCommand({ thingName, nextToken }));
      arns.push(...(page.principals ?? []).filter((principal) => principal.includes(':cert/')));
      nextToken = page.nextToken;
    } while (nextToken);
    return arns;
  }

  async function revoke(thingName: string, certificateArn: string): Promise<void> {
    // INACTIVE first: the certificate stops connecting at once, whatever the detaches below do.
    await client.send(
      new UpdateCertificateCommand({ certificateId: certificateIdOf(certificateArn), newStatus: 'INACTIVE' }),
    );
    await client.send(new DetachPolicyCommand({ policyName, target: certificateArn }));
    await client.send(new DetachThingPrincipalCommand({ thingName, principal: certificateArn }));
  }

  async function revokeCertificates(gatewayId: string, keepCertificateArn?: string): Promise<string[]> {
    const revoked: string[] = [];
    for (const arn of await thingCertificates(gatewayId)) {
      if (arn === keepCertificateArn) continue;
      await revoke(gatewayId, arn);
      revoked.push(arn);
    }
    return revoked;
  }

  async function removeGateway(gatewayId: string): Promise<void> {
    let certificates: string[];
    try {
      certificates = await thingCertificates(gatewayId);
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return;
      throw error;
    }
    for (const arn of certificates) {
      await revoke(gatewayId, arn);
      await client.send(
        new DeleteCertificateCommand({ certificateId: certificateIdOf(arn), forceDelete: true }),
      );
    }
    await client.send(new DeleteThingCommand({ thingName: gatewayId }));
  }

  async function ensureThing({ tenantId, siteId, gatewayId }: GatewayIds): Promise<void> {
    const attributePayload = { attributes: { tenantId, siteId }, merge: true };
    try {
      await client.send(new CreateThingCommand({ thingName: gatewayId, thingTypeName, attributePayload }));
    } catch (error) {
      // The thing exists with other attributes: bring them up to date (the policy reads them).
      if (!(error instanceof ResourceAlreadyExistsException)) throw error;
      await client.send(new UpdateThingCommand({ thingName: gatewayId, thingTypeName, attributePayload }));
    }
  }

  return {
    endpoint: () => endpoint,
    publishSettings: (ids) => ({
      ...(telemetryRuleName
        ? { telemetryTopic: `$aws/rules/${telemetryRuleName}/${telemetryTopic(ids)}` }
        : {}),
      ...(publishIntervalMs !== undefined ? { publishIntervalMs } : {}),
      // Each status is a message through the broker and the rule: once a minute, and on every change.
      statusIntervalSeconds: AWS_STATUS_INTERVAL_SECONDS,
    }),
    revokeCertificates,

    async issue(gateway): Promise<IssuedGatewayCertificate> {
      await ensureThing(gateway);
      const created = await client.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
      const { certificateArn, certificateId, certificatePem } = created;
      const privateKeyPem = created.keyPair?.PrivateKey;
      if (!certificateArn || !certificateId || !certificatePem || !privateKeyPem) {
        throw new IotProvisioningError('AWS IoT CreateKeysAndCertificate returned an incomplete certificate');
      }
      try {
        await client.send(new AttachPolicyCommand({ policyName, target: certificateArn }));
        await client.send(
          new AttachThingPrincipalCommand({ thingName: gateway.gatewayId, principal: certificateArn }),
        );
      } catch (error) {
        // Never leave an active certificate behind that no one holds the record of.
        let cleanup = '';
        try {
          await client.send(new UpdateCertificateCommand({ certificateId, newStatus: 'INACTIVE' }));
        } catch (deactivation) {
          cleanup = `; deactivating certificate ${certificateId} failed too (${String(deactivation)})`;
        }
        throw new IotProvisioningError(
          `could not attach the new certificate of gateway ${gateway.gatewayId}${cleanup}`,
          { cause: error },
        );
      }
      // A replaced box must not come back: its earlier certificates stop working now.
      await revokeCertificates(gateway.gatewayId, certificateArn);
      const parsed = new X509Certificate(certificatePem);
      return {
        certificatePem,
        privateKeyPem,
        caPem: AMAZON_ROOT_CA_1_PEM,
        serial: parsed.serialNumber.toLowerCase(),
        // AWS IoT's certificate id is the SHA-256 of the DER, the same value the local CA stores.
        fingerprintSha256: parsed.fingerprint256.replaceAll(':', '').toLowerCase(),
        notAfter: new Date(parsed.validTo),
      };
    },

    retire: removeGateway,
    removeGateway,
  };
}
