// The local MQTT broker (aedes over TLS): what AWS IoT Core does on AWS. A gateway connects with the
// client certificate from its provisioning bundle; the certificate, looked up by fingerprint, says
// which gateway it is. Its MQTT client id must be that gateway's id (as an IoT policy ties the client
// id to the thing name), and while a session for that id is open with one valid certificate, another
// certificate cannot take it over: one tenant's gateway can neither pose as another's nor knock it
// offline. That gateway may publish only its own dt/ topics (telemetry, status, response) and
// subscribe only under its own dt/ and cmd/ prefixes, as its IoT policy allows on AWS; the cloud's
// own messages (config, requests) are published in process. Everything else is refused and logged.
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { createServer } from 'node:tls';
import { logger } from '@plantwatch/functions/platform/observability';
import type { GatewayTopicIds } from '@plantwatch/shared';
import { parseTopic, topicAllowedForGateway } from '@plantwatch/shared';
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
  /** The cloud's side (config, command requests): QoS 1, delivered to subscribers, retained if asked. */
  publish(message: { topic: string; payload: string; retain: boolean }): Promise<void>;
  /** For /v1/health and /metrics: whether it still takes connections, and how many clients it has. */
  status(): { listening: boolean; clients: number; gateways: number };
  close(): Promise<void>;
}

/** What a gateway itself may publish: its data topics; cmd/ is the cloud's. */
const GATEWAY_PUBLISHES = new Set(['telemetry', 'status', 'response']);

const IDENTIFIER_REJECTED = 2 as const;
const NOT_AUTHORIZED = 5 as const;
const SERVER_UNAVAILABLE = 3 as const;

function authError(message: string, returnCode: 2 | 5 = NOT_AUTHORIZED) {
  return Object.assign(new Error(message), { returnCode });
}

function fingerprintOf(client: Client): string | null {
  const socket = client.conn as TLSSocket;
  if (typeof socket.getPeerCertificate !== 'function') return null;
  const certificate: PeerCertificate = socket.getPeerCertificate();
  return certificate?.fingerprint256 ? certificate.fingerprint256.replaceAll(':', '').toLowerCase() : null;
}

export async function startMqttBroker(options: MqttBrokerOptions): Promise<MqttBroker> {
  const gatewayOf = new WeakMap<Client, GatewayTopicIds>();
  /** The open session of each client id, and the certificate it was opened with. */
  const sessions = new Map<string, { client: Client; fingerprint: string }>();
  const refuse = (what: string, client: Client | null, detail: Record<string, unknown>) =>
    logger.warn(`mqtt ${what} refused`, {
      clientId: client?.id,
      ...gatewayOf.get(client as Client),
      ...detail,
    });

  /** Null when the client may connect; otherwise why not. */
  async function admit(
    client: Client,
    fingerprint: string,
  ): Promise<{ reason: string; message: string; returnCode: 2 | 5 } | null> {
    const gateway = await options.gatewayForCertificate(fingerprint);
    if (!gateway) {
      return {
        reason: 'certificate unknown, revoked or expired',
        message: 'this certificate is not valid for any gateway',
        returnCode: NOT_AUTHORIZED,
      };
    }
    if (client.id !== gateway.gatewayId) {
      return {
        reason: `client id is not the certificate's gateway id ${gateway.gatewayId}`,
        message: 'the client id must be the gateway id of the certificate',
        returnCode: IDENTIFIER_REJECTED,
      };
    }
    const open = sessions.get(client.id);
    // The same certificate may take its session over (a gateway reconnecting before the broker
    // noticed the old connection die); another one only once the first is revoked or expired.
    if (open && !open.client.closed && open.fingerprint !== fingerprint) {
      if (await options.gatewayForCertificate(open.fingerprint)) {
        return {
          reason: 'another certificate holds the session of this gateway',
          message: 'this gateway is connected with another certificate',
          returnCode: IDENTIFIER_REJECTED,
        };
      }
    }
    gatewayOf.set(client, gateway);
    sessions.set(client.id, { client, fingerprint });
    return null;
  }

  const broker = await Aedes.createBroker({
    authenticate(client, _username, _password, done) {
      const fingerprint = fingerprintOf(client);
      if (!fingerprint) {
        refuse('connection', client, { reason: 'no client certificate' });
        done(authError('a client certificate is required'), false);
        return;
      }
      admit(client, fingerprint).then(
        (refusal) => {
          if (refusal) {
            refuse('connection', client, { reason: refusal.reason, fingerprint });
            done(authError(refusal.message, refusal.returnCode), false);
            return;
          }
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
    // acknowledgement must mean "nothing can lose it now" (telemetry: in the ingest log on disk, ADR
    // 0058; status and command answers: handled). A failure closes the connection instead; the
    // gateway reconnects and resends.
    authorizePublish(client, packet, done) {
      const gateway = client ? gatewayOf.get(client) : undefined;
      const kind = parseTopic(packet.topic)?.kind;
      if (
        !gateway ||
        !topicAllowedForGateway(packet.topic, gateway) ||
        kind === undefined ||
        !GATEWAY_PUBLISHES.has(kind)
      ) {
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

  broker.on('clientDisconnect', (client) => {
    if (sessions.get(client.id)?.client === client) sessions.delete(client.id);
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
    publish: ({ topic, payload, retain }) =>
      new Promise<void>((resolve, reject) => {
        if (broker.closed) {
          reject(new Error('the broker is closed'));
          return;
        }
        broker.publish(
          { cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain, dup: false },
          (error) => (error ? reject(error) : resolve()),
        );
      }),
    status: () => ({
      listening: server.listening && !broker.closed,
      clients: broker.connectedClients,
      gateways: sessions.size,
    }),
    async close() {
      await new Promise<void>((done) => broker.close(() => done()));
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
