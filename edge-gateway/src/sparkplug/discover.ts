// Sparkplug B discovery for the cloud's browse command: the edge node's births as a browse tree (the
// node, its metrics, its devices and theirs), each metric with the tag address that reads it, so the
// web app can offer them for bulk import as it does an OPC UA address space.
import type {
  BrowseNode,
  BrowseResult,
  SparkplugConfigDevice,
  SparkplugConnection,
} from '@plantwatch/shared';
import type { Logger } from '../log.ts';
import { SparkplugDriver } from './driver.ts';
import type { DiscoveredMetric } from './node-state.ts';

function metricNode(metric: DiscoveredMetric, device: string): BrowseNode {
  return {
    nodeId: device ? `${device}/${metric.name}` : metric.name,
    browseName: metric.name,
    displayName: metric.name,
    nodeClass: 'Variable',
    dataType: metric.type,
    value: metric.value,
    ...(metric.value !== null ? { quality: 'good' as const } : {}),
    address: { kind: 'sparkplug', metric: metric.name, ...(device ? { sparkplugDevice: device } : {}) },
  };
}

export async function discoverSparkplug(
  connection: SparkplugConnection,
  options: { log: Logger; timeoutMs: number; maxNodes: number },
): Promise<BrowseResult> {
  const device: SparkplugConfigDevice = {
    ...connection,
    id: 'discover',
    enabled: true,
    heartbeatMs: 60_000,
    tags: [],
  };
  const discovered = await new SparkplugDriver(device, options.log, {
    timeoutMs: options.timeoutMs,
  }).discover();
  let nodes = 1;
  let truncated = false;
  const take = (metrics: DiscoveredMetric[], sparkplugDevice: string) => {
    const children: BrowseNode[] = [];
    for (const metric of metrics) {
      if (
        metric.name === 'bdSeq' ||
        metric.name.startsWith('Node Control/') ||
        metric.name.startsWith('Device Control/')
      )
        continue;
      if (nodes >= options.maxNodes) {
        truncated = true;
        break;
      }
      nodes += 1;
      children.push(metricNode(metric, sparkplugDevice));
    }
    return children;
  };
  const children = take(discovered.get('') ?? [], '');
  for (const [sparkplugDevice, metrics] of [...discovered]
    .filter(([d]) => d !== '')
    .sort(([a], [b]) => a.localeCompare(b))) {
    if (nodes >= options.maxNodes) {
      truncated = true;
      break;
    }
    nodes += 1;
    children.push({
      nodeId: sparkplugDevice,
      browseName: sparkplugDevice,
      displayName: sparkplugDevice,
      nodeClass: 'Object',
      children: take(metrics, sparkplugDevice),
    });
  }
  return {
    root: {
      nodeId: `spBv1.0/${connection.groupId}/${connection.edgeNodeId}`,
      browseName: connection.edgeNodeId,
      displayName: `${connection.groupId}/${connection.edgeNodeId}`,
      nodeClass: 'Object',
      children,
    },
    nodes,
    truncated,
  };
}
