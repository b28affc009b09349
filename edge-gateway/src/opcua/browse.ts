// `browse`: the address space under Objects as a JSON tree, to find the NodeIds to put in a config
// (the CLI), and for the cloud's browse command, which also wants each variable's data type and value.
import { mkdir } from 'node:fs/promises';
import type { BrowseNode } from '@plantwatch/shared';
import { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import {
  AttributeIds,
  BrowseDirection,
  type ClientSession,
  DataType,
  MessageSecurityMode,
  NodeClass,
  OPCUAClient,
  SecurityPolicy,
} from 'node-opcua-client';
import { createLogger, type Logger } from '../log.ts';
import { qualityOf, telemetryValue } from './convert.ts';
import { routeOpcuaLogs } from './logs.ts';

export type { BrowseNode };

export interface BrowseOptions {
  depth: number;
  pkiDir: string;
  startNodeId?: string;
  timeoutMs?: number;
  log?: Logger;
  securityMode?: 'None' | 'Sign' | 'SignAndEncrypt';
  securityPolicy?: 'None' | 'Basic256Sha256' | 'Aes128_Sha256_RsaOaep' | 'Aes256_Sha256_RsaPss';
  /** Read each variable's data type and value (the cloud's browse shows them). */
  readValues?: boolean;
  /** Stop after this many nodes; the result says it was cut short. */
  maxNodes?: number;
}

const securityModes = {
  None: MessageSecurityMode.None,
  Sign: MessageSecurityMode.Sign,
  SignAndEncrypt: MessageSecurityMode.SignAndEncrypt,
} as const;

const securityPolicies = {
  None: SecurityPolicy.None,
  Basic256Sha256: SecurityPolicy.Basic256Sha256,
  Aes128_Sha256_RsaOaep: SecurityPolicy.Aes128_Sha256_RsaOaep,
  Aes256_Sha256_RsaPss: SecurityPolicy.Aes256_Sha256_RsaPss,
} as const;

interface Walk {
  session: ClientSession;
  left: number;
  count: number;
  truncated: boolean;
  variables: BrowseNode[];
}

async function browseChildren(walk: Walk, nodeId: string, depth: number): Promise<BrowseNode[]> {
  const result = await walk.session.browse({
    nodeId,
    browseDirection: BrowseDirection.Forward,
    referenceTypeId: 'HierarchicalReferences',
    includeSubtypes: true,
    resultMask: 0x3f,
  });
  const nodes: BrowseNode[] = [];
  for (const reference of result.references ?? []) {
    if (walk.left <= 0) {
      walk.truncated = true;
      break;
    }
    walk.left -= 1;
    walk.count += 1;
    const node: BrowseNode = {
      nodeId: reference.nodeId.toString(),
      browseName: reference.browseName.toString(),
      displayName: reference.displayName.text ?? '',
      nodeClass: NodeClass[reference.nodeClass] ?? String(reference.nodeClass),
    };
    if (reference.nodeClass === NodeClass.Variable) walk.variables.push(node);
    if (depth > 1) {
      const children = await browseChildren(walk, node.nodeId, depth - 1);
      // A variable's properties only when it has any; an object's children always.
      if (reference.nodeClass !== NodeClass.Variable || children.length > 0) node.children = children;
    }
    nodes.push(node);
  }
  return nodes;
}

/** Fills in the variables' data types and values, in reads of at most 500 nodes. */
async function readVariables(session: ClientSession, variables: BrowseNode[]): Promise<void> {
  for (let start = 0; start < variables.length; start += 500) {
    const batch = variables.slice(start, start + 500);
    const values = await session.read(
      batch.map((node) => ({ nodeId: node.nodeId, attributeId: AttributeIds.Value })),
    );
    batch.forEach((node, index) => {
      const dataValue = values[index];
      if (!dataValue) return;
      node.dataType = DataType[dataValue.value.dataType] ?? String(dataValue.value.dataType);
      node.value = telemetryValue(dataValue.value.value);
      node.quality = qualityOf(dataValue.statusCode.value);
    });
  }
}

export async function browseTree(
  endpoint: string,
  options: BrowseOptions,
): Promise<{ root: BrowseNode; nodes: number; truncated: boolean }> {
  // stdout carries the tree; node-opcua's own messages go to the JSON log on stderr.
  routeOpcuaLogs(options.log ?? createLogger());
  await mkdir(options.pkiDir, { recursive: true });
  const securityMode = options.securityMode ?? 'None';
  const client = OPCUAClient.create({
    applicationName: 'Plantwatch edge gateway (browse)',
    endpointMustExist: false,
    securityMode: securityModes[securityMode],
    securityPolicy: securityPolicies[options.securityPolicy ?? 'None'],
    connectionStrategy: { maxRetry: 0, initialDelay: 500, maxDelay: 500 },
    clientCertificateManager: new OPCUACertificateManager({
      rootFolder: options.pkiDir,
      // As the driver: with Sign/SignAndEncrypt only servers in trusted/ are accepted.
      automaticallyAcceptUnknownCertificate: securityMode === 'None',
    }),
    transportTimeout: options.timeoutMs ?? 10_000,
  });
  try {
    await client.connect(endpoint);
    const session = await client.createSession();
    const start = options.startNodeId ?? 'i=85';
    const maxNodes = options.maxNodes ?? Number.POSITIVE_INFINITY;
    const walk: Walk = { session, left: maxNodes, count: 0, truncated: false, variables: [] };
    const children = await browseChildren(walk, start, options.depth);
    if (options.readValues) await readVariables(session, walk.variables);
    await session.close();
    return {
      root: {
        nodeId: start,
        browseName: start === 'i=85' ? 'Objects' : start,
        displayName: '',
        nodeClass: 'Object',
        children,
      },
      nodes: walk.count,
      truncated: walk.truncated,
    };
  } finally {
    await client.disconnect().catch(() => {});
  }
}

/** The CLI's browse: the tree alone. */
export async function browse(endpoint: string, options: BrowseOptions): Promise<BrowseNode> {
  return (await browseTree(endpoint, options)).root;
}
