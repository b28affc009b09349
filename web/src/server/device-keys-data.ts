import 'server-only';
// The keys of an HTTP push device, as the device page lists them (never the keys themselves).
import { type DeviceKey, deviceKeyListSchema } from '@plantwatch/shared';
import { read } from './data.ts';

export async function listDeviceKeys(deviceId: string): Promise<DeviceKey[]> {
  return (await read(`/v1/devices/${encodeURIComponent(deviceId)}/keys`, deviceKeyListSchema)).keys;
}
