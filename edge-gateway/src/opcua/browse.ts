// `browse`: the address space under Objects as a JSON tree, to find the NodeIds to put in a config.
import { mkdir } from 'node:fs/promises';
import { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import { BrowseDirection, type ClientSession, NodeClass, OPCUAClient } from 'node-opcua-client';
import { createLogger, type Logger } from '../log.ts';
import { routeOpcuaLogs } from './logs.ts';

export interface BrowseNode {
  nodeId: string;
  browseName: string;
  displayName: string;
  nodeClass: string;
  children?: BrowseNode[];
}

async function browseChildren(session: ClientSession, nodeId: string, depth: number): Promise<BrowseNode[]> {
  const result = await session.browse({
    nodeId,
    browseDirection: BrowseDirection.Forward,
    referenceTypeId: 'HierarchicalReferences',
    includeSubtypes: true,
    resultMask: 0x3f,
  });
  const nodes: BrowseNode[] = [];
  for (const reference of result.references ?? []) {
    const node: BrowseNode = {
      nodeId: reference.nodeId.toString(),
      browseName: reference.browseName.toString(),
      displayName: reference.displayName.text ?? '',
      nodeClass: NodeClass[reference.nodeClass] ?? String(reference.nodeClass),
    };
    if (depth > 1 && reference.nodeClass !== NodeClass.Variable) {
      node.children = await browseChildren(session, node.nodeId, depth - 1);
    } else if (depth > 1) {
      const properties = await browseChildren(session, node.nodeId, depth - 1);
      if (properties.length > 0) node.children = properties;
    }
    nodes.push(node);
  }
  return nodes;
}

export async function browse(
  endpoint: string,
  options: { depth: number; pkiDir: string; startNodeId?: string; timeoutMs?: number; log?: Logger },
): Promise<BrowseNode> {
  // stdout carries the tree; node-opcua's own messages go to the JSON log on stderr.
  routeOpcuaLogs(options.log ?? createLogger());
  await mkdir(options.pkiDir, { recursive: true });
  const client = OPCUAClient.create({
    applicationName: 'Plantwatch edge gateway (browse)',
    endpointMustExist: false,
    connectionStrategy: { maxRetry: 0, initialDelay: 500, maxDelay: 500 },
    clientCertificateManager: new OPCUACertificateManager({
      rootFolder: options.pkiDir,
      automaticallyAcceptUnknownCertificate: true,
    }),
    transportTimeout: options.timeoutMs ?? 10_000,
  });
  try {
    await client.connect(endpoint);
    const session = await client.createSession();
    const start = options.startNodeId ?? 'i=85';
    const children = await browseChildren(session, start, options.depth);
    await session.close();
    return {
      nodeId: start,
      browseName: start === 'i=85' ? 'Objects' : start,
      displayName: '',
      nodeClass: 'Object',
      children,
    };
  } finally {
    await client.disconnect().catch(() => {});
  }
}
