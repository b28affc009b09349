import 'server-only';
// What the gateway and device pages read about running a site from the cloud (ADR 0030): a gateway's
// config versions and health, one device, the device templates. Through the viewer's token, like data.ts.
import {
  type Device,
  type DeviceTemplate,
  deviceSchema,
  deviceTemplateSchema,
  type Gateway,
  type GatewayConfigVersion,
  type GatewayConfigVersionDetail,
  type GatewayHealth,
  gatewayConfigVersionDetailSchema,
  gatewayConfigVersionSchema,
  gatewayHealthSchema,
  gatewaySchema,
} from '@plantwatch/shared';
import { z } from 'zod';
import { read } from './data.ts';

const id = encodeURIComponent;

export const getGateway = (gatewayId: string): Promise<Gateway> =>
  read(`/v1/gateways/${id(gatewayId)}`, gatewaySchema);

export const getGatewayHealth = (gatewayId: string): Promise<GatewayHealth> =>
  read(`/v1/gateways/${id(gatewayId)}/health`, gatewayHealthSchema);

export const listGatewayHealth = async (): Promise<GatewayHealth[]> =>
  (await read('/v1/gateway-health', z.object({ gateways: z.array(gatewayHealthSchema) }))).gateways;

export const listConfigVersions = async (gatewayId: string): Promise<GatewayConfigVersion[]> =>
  (
    await read(
      `/v1/gateways/${id(gatewayId)}/config-versions`,
      z.object({ versions: z.array(gatewayConfigVersionSchema) }),
    )
  ).versions;

export const getConfigVersion = (gatewayId: string, version: number): Promise<GatewayConfigVersionDetail> =>
  read(`/v1/gateways/${id(gatewayId)}/config-versions/${version}`, gatewayConfigVersionDetailSchema);

export const getDevice = (deviceId: string): Promise<Device> =>
  read(`/v1/devices/${id(deviceId)}`, deviceSchema);

export const listDeviceTemplates = async (): Promise<DeviceTemplate[]> =>
  (await read('/v1/device-templates', z.object({ templates: z.array(deviceTemplateSchema) }))).templates;
