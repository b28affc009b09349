// How a tag's address and a device's connection read in the web app's tables, for every device kind
// the gateway speaks (Modbus, OPC UA, Sparkplug B, IEC 104, CSV folders, HTTP push).
import type { Device, Tag } from '@plantwatch/shared';

export function describeTagAddress(address: Tag['address']): string {
  switch (address.kind) {
    case 'modbus':
      // "holding 7 bit 3 (bool)": a bool packed in a register names its bit.
      return `${address.area} ${address.address}${address.bit === undefined ? '' : ` bit ${address.bit}`} (${address.type})`;
    case 'opcua':
      return address.nodeId;
    case 'sparkplug':
      return address.sparkplugDevice ? `${address.sparkplugDevice}/${address.metric}` : address.metric;
    case 'iec104':
      return `IOA ${address.ioa}`;
    case 'csv':
      return `column ${address.column}`;
    case 'http':
      return 'HTTP';
  }
}

/** Booleans and text have no line to draw; other kinds carry numbers (or say so with each value). */
export const isTrendable = (tag: Tag) =>
  tag.address.kind !== 'modbus' || (tag.address.type !== 'bool' && tag.address.type !== 'string');

export function describeConnection(connection: Device['connection']): string {
  switch (connection.protocol) {
    case 'modbus-tcp':
      return `${connection.host}:${connection.port} · unit ${connection.unitId}`;
    case 'modbus-rtu':
      return `${connection.path} · ${connection.baudRate} baud · unit ${connection.unitId}`;
    case 'opcua':
      return connection.endpoint;
    case 'sparkplug':
      return `${connection.brokerUrl} · ${connection.groupId}/${connection.edgeNodeId}`;
    case 'iec104':
      return `${connection.host}:${connection.port} · CA ${connection.commonAddress}`;
    case 'csv-folder':
      return connection.folder;
    case 'http-push':
      return 'HTTP';
  }
}
