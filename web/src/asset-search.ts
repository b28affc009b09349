// Searching the asset tree (issue 21): a node matches when its name holds the words typed, or, when
// they hold a "/", when its path from the top of the site does ("pumping / pump" finds Pump 1 and Pump 2
// under Pumping). Matches are shown with their ancestors, so each is seen where it sits.

export interface SearchableNode {
  id: string;
  name: string;
  children: SearchableNode[];
}

export interface TreeSearch {
  /** The nodes that match. */
  matched: Set<string>;
  /** The nodes to show: the matches and every ancestor of one. */
  shown: Set<string>;
  /** The matches in the order the tree shows them (for keyboard moves and "the first match"). */
  order: string[];
}

const normalise = (text: string) => text.toLocaleLowerCase().replace(/\s+/g, ' ').trim();
const normalisePath = (text: string) =>
  normalise(text)
    .split('/')
    .map((part) => part.trim())
    .join('/');

/** What a query finds in the tree; null for an empty query (everything shown, nothing marked). */
export function searchTree(roots: readonly SearchableNode[], query: string): TreeSearch | null {
  const wanted = normalise(query);
  if (wanted === '') return null;
  const byPath = wanted.includes('/');
  const needle = byPath ? normalisePath(wanted) : wanted;
  const result: TreeSearch = { matched: new Set(), shown: new Set(), order: [] };
  const walk = (node: SearchableNode, trail: readonly string[]): boolean => {
    const path = [...trail, node.name];
    const hit = byPath
      ? normalisePath(path.join('/')).includes(needle)
      : normalise(node.name).includes(needle);
    if (hit) {
      result.matched.add(node.id);
      result.order.push(node.id);
    }
    let below = false;
    for (const child of node.children) below = walk(child, path) || below;
    if (hit || below) result.shown.add(node.id);
    return hit || below;
  };
  for (const root of roots) walk(root, []);
  return result;
}

/** Where a match's text is, for marking it: [before, match, after], or null when the name does not hold it. */
export function highlight(name: string, query: string): [string, string, string] | null {
  const wanted = normalise(query);
  if (wanted === '' || wanted.includes('/')) return null;
  const at = name.toLocaleLowerCase().indexOf(wanted);
  if (at < 0) return null;
  return [name.slice(0, at), name.slice(at, at + wanted.length), name.slice(at + wanted.length)];
}

/** The nodes from the top of the site down to the asset (empty when it is not in the tree). */
export function pathTo<T extends SearchableNode>(roots: readonly T[], assetId: string): T[] {
  const walk = (nodes: readonly T[], trail: T[]): T[] | null => {
    for (const node of nodes) {
      if (node.id === assetId) return [...trail, node];
      const found = walk(node.children as T[], [...trail, node]);
      if (found) return found;
    }
    return null;
  };
  return walk(roots, []) ?? [];
}
