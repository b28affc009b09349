// A gateway's configuration as the gateway reads it, made from the plant model: devices by key with
// their connection settings, tags by key with address and scaling; and the retained message carrying
// one numbered version of it (gzip-compressed when its JSON would not fit one MQTT message).
import { gzipSync } from 'node:zlib';
import {
  type BufferPolicy,
  type Device,
  type GatewayConfigMessage,
  InvalidInputError,
  MAX_CONFIG_MESSAGE_BYTES,
  type PushedConfig,
  pushedConfigSchema,
  type Tag,
} from '@plantwatch/shared';

type ConfigTagSource = Pick<Tag, 'key' | 'address' | 'scale' | 'offset' | 'unit' | 'deadband'>;
type ConfigDeviceSource = Pick<Device, 'key' | 'enabled' | 'connection' | 'heartbeatMs'>;

export function configTag(tag: ConfigTagSource) {
  const common = {
    id: tag.key,
    scale: tag.scale,
    offset: tag.offset,
    unit: tag.unit,
    deadband: tag.deadband,
  };
  if (tag.address.kind === 'opcua') return { ...common, nodeId: tag.address.nodeId };
  const { kind: _kind, ...address } = tag.address;
  return { ...common, ...address };
}

export function configDevice(device: ConfigDeviceSource, tags: readonly ConfigTagSource[]) {
  return {
    ...device.connection,
    id: device.key,
    enabled: device.enabled,
    heartbeatMs: device.heartbeatMs,
    tags: tags.map(configTag),
  };
}

/**
 * The devices (a device without tags has nothing to poll yet and is left out: the gateway's config
 * needs at least one tag per device) and the buffer policy, checked against the gateway's schema so a
 * change the gateway would refuse is refused here, naming the field.
 */
export function pushedConfigOf(snapshot: {
  bufferPolicy: BufferPolicy | null;
  devices: readonly (ConfigDeviceSource & { id: string })[];
  tags: readonly (ConfigTagSource & { deviceId: string })[];
}): PushedConfig {
  const devices = snapshot.devices.flatMap((device) => {
    // An HTTP push device sends its readings to the API itself: the gateway has nothing to do with it.
    if (device.connection.protocol === 'http-push') return [];
    const tags = snapshot.tags.filter((tag) => tag.deviceId === device.id);
    return tags.length > 0 ? [configDevice(device, tags)] : [];
  });
  const parsed = pushedConfigSchema.safeParse({
    devices,
    ...(snapshot.bufferPolicy ? { buffer: snapshot.bufferPolicy } : {}),
  });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => {
      const [, index, ...rest] = issue.path;
      const device = typeof index === 'number' ? devices[index]?.id : undefined;
      const where = device ? `device ${device}: ${rest.join('.')}` : issue.path.join('.');
      return `${where}: ${issue.message}`;
    });
    throw new InvalidInputError(`the gateway would refuse this configuration: ${issues.join('; ')}`, {
      details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return parsed.data;
}

/** Config JSON up to this size goes as it is; above it, gzip-compressed (tag lists compress ~10:1). */
const PLAIN_LIMIT = MAX_CONFIG_MESSAGE_BYTES - 8 * 1024;

/** The retained message for one version: the exact bytes every (re-)publish sends. */
export function configMessage(version: number, issuedAt: Date, config: PushedConfig): string {
  const plain: GatewayConfigMessage = { v: 1, version, issuedAt: issuedAt.toISOString(), config };
  const text = JSON.stringify(plain);
  if (Buffer.byteLength(text) <= PLAIN_LIMIT) return text;
  const configGzip = gzipSync(JSON.stringify(config)).toString('base64');
  const compressed = JSON.stringify({ v: 1, version, issuedAt: plain.issuedAt, configGzip });
  if (Buffer.byteLength(compressed) > PLAIN_LIMIT) {
    throw new InvalidInputError(
      `the gateway's configuration would take ${Math.round(Buffer.byteLength(compressed) / 1024)} KB compressed, more than one MQTT message carries (${MAX_CONFIG_MESSAGE_BYTES / 1024} KB); spread the devices over two gateways`,
    );
  }
  return compressed;
}
