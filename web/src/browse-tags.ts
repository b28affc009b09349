// Turning a browsed address space into tags: which nodes can be tags (variables, or nodes that carry
// their own tag address, as Sparkplug metrics do), the key each would get (valid, and unique on the
// device), and the tree cut down to what a search matches (with the folders above each match).
import type { BrowseNode, TagAddress } from '@plantwatch/shared';

/** A node that reads a value: an OPC UA variable, or a metric with its own address. */
export const isTagNode = (node: BrowseNode): boolean =>
  node.address !== undefined || node.nodeClass === 'Variable';

export function addressOf(node: BrowseNode): TagAddress {
  return node.address ?? { kind: 'opcua', nodeId: node.nodeId };
}

/** The text by which an address is recognised as already a tag of the device. */
export function addressText(address: TagAddress): string {
  return JSON.stringify(address, Object.keys(address).sort());
}

/**
 * A tag key from a node's browse name ("2:Motor Temp" → "Motor_Temp"): letters, digits, "_", "." and
 * "-", starting with a letter or digit, at most 64 characters, and not one of `taken` (a suffix if so).
 */
export function suggestKey(node: BrowseNode, taken: ReadonlySet<string>): string {
  const name = node.browseName.replace(/^\d+:/, '') || node.displayName || node.nodeId;
  const base =
    name
      .replace(/[^A-Za-z0-9_.-]+/g, '_')
      .replace(/^[^A-Za-z0-9]+/, '')
      .replace(/_+$/, '')
      .slice(0, 60) || 'tag';
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}_${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** The tree with only the nodes whose names or node id contain `query` (any case), and their ancestors. */
export function filterTree(node: BrowseNode, query: string): BrowseNode | null {
  const q = query.trim().toLowerCase();
  if (!q) return node;
  const children = (node.children ?? []).flatMap((child) => {
    const kept = filterTree(child, q);
    return kept ? [kept] : [];
  });
  const matches = [node.displayName, node.browseName, node.nodeId].some((text) =>
    text.toLowerCase().includes(q),
  );
  if (!matches && children.length === 0) return null;
  return { ...node, children: matches ? node.children : children };
}
