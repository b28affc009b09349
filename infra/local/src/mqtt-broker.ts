// The local MQTT broker (aedes over TLS): what AWS IoT Core does on AWS. A gateway connects with the
// client certificate from its provisioning bundle; the certificate, looked up by fingerprint, says
// which gateway it is, and that gateway may publish and subscribe only under its own dt/ and cmd/
// prefixes. Everything else is refused and logged.
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { createServer } from 'node:tls';
import { logger } from '@plantwatch/functions/platform/observability';
import type { GatewayTopicIds } from '@plantwatch/shared';
import { topicAllowedForGateway } from '@plantwatch/shared';
import { Aedes, type Client } from 'aedes';
import { listen } from './listen.ts';

export interface MqttBrokerOptions {
  host: string;
  port: number;
  explicitPort: boolean;
  tls: { certificatePem: string; privateKeyPem: string; caPem: string };
  /** The gateway a client certificate belongs to, or null when unknown, revoked or expired. */
  gatewayForCertificate(fingerprintSha256: string): Promise<GatewayTopicIds | null>;
  /** Called for every allowed publish; the PUBACK waits for it, so an acknowledged message is handled. */
  onPublish(message: {
    topic: string;
    payload: Buffer;
    receivedAt: number;
    gateway: GatewayTopicIds;
  }): Promise<void>;
}

export interface MqttBroker {
  url: string;
  port: number;
  note?: string;
  close(): Promise<void>;
}

const NOT_AUTHORIZED = 5 as const;
const SERVER_UNAVAILABLE = 3 as const;

function authError(message: string) {
  return Object.assign(new Error(message), { returnCode: NOT_AUTHORIZED });
}

function fingerprintOf(client: Client): string | null {
  const socket = client.conn as TLSSocket;
  if (typeof socket.getPeerCertificate !== 'function') return null;
  const certificate: PeerCertificate = socket.getPeerCertificate();
  return certificate?.fingerprint256 ? certificate.fingerprint256.replaceAll(':', '').toLowerCase() : null;
}

export async function startMqttBroker(options: MqttBrokerOptions): Promise<MqttBroker> {
  const gatewayOf = new WeakMap<Client, GatewayTopicIds>();
  const refuse = (what: string, client: Client | null, detail: Record<string, unknown>) =>
    logger.warn(`mqtt ${what} refused`, {
      clientId: client?.id,
      ...gatewayOf.get(client as Client),
      ...detail,
    });

  const broker = await Aedes.createBroker({
    authenticate(client, _username, _password, done) {
      const fingerprint = fingerprintOf(client);
      if (!fingerprint) {
        refuse('connection', client, { reason: 'no client certificate' });
        done(authError('a client certificate is required'), false);
        return;
      }
      options.gatewayForCertificate(fingerprint).then(
        (gateway) => {
          if (!gateway) {
            refuse('connection', client, { reason: 'certificate unknown, revoked or expired', fingerprint });
            done(authError('this certificate is not valid for any gateway'), false);
            return;
          }
          gatewayOf.set(client, gateway);
          done(null, true);
        },
        (error: unknown) => {
          logger.error('mqtt authentication failed', { error });
          done(Object.assign(new Error('server unavailable'), { returnCode: SERVER_UNAVAILABLE }), false);
        },
      );
    },
    // The message is handed over here, before the broker's PUBACK: aedes acknowledges QoS 1 before
    // its `published` hook runs, and a gateway deletes a batch from its disk buffer on PUBACK, so the
    // acknowledgement must mean "stored or dead-lettered". A failure closes the connection instead;
    // the gateway reconnects and resends.
    authorizePublish(client, packet, done) {
      const gateway = client ? gatewayOf.get(client) : undefined;
      if (!gateway || !topicAllowedForGateway(packet.topic, gateway)) {
        refuse('publish', client, { topic: packet.topic });
        done(new Error(`not allowed to publish to ${packet.topic}`));
        return;
      }
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      options.onPublish({ topic: packet.topic, payload, receivedAt: Date.now(), gateway }).then(
        () => done(null),
        (error: unknown) => {
          logger.error('mqtt publish not handled; closing the connection so the gateway resends', {
            ...gateway,
            topic: packet.topic,
            error,
          });
          done(error as Error);
        },
      );
    },
    authorizeSubscribe(client, subscription, done) {
      const gateway = gatewayOf.get(client);
      if (!gateway || !topicAllowedForGateway(subscription.topic, gateway)) {
        refuse('subscribe', client, { topic: subscription.topic });
        done(null, null); // a negative SUBACK (0x80) for this filter; the connection stays up
        return;
      }
      done(null, subscription);
    },
  });

  const server = createServer(
    {
      cert: options.tls.certificatePem,
      key: options.tls.privateKeyPem,
      ca: options.tls.caPem,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    },
    (socket) => broker.handle(socket),
  );
  server.on('tlsClientError', (error, socket) => {
    logger.warn('mqtt TLS handshake refused', { reason: error.message, remoteAddress: socket.remoteAddress });
  });
  let port: number;
  let note: string | undefined;
  try {
    ({ port, note } = await listen(server, options.host, options.port, options.explicitPort));
  } catch (error) {
    await new Promise<void>((done) => broker.close(() => done()));
    throw error;
  }
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `mqtts://${host}:${port}`,
    port,
    ...(note ? { note } : {}),
    async close() {
      await new Promise<void>((done) => broker.close(() => done()));
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
