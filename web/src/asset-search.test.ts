import { describe, expect, it } from 'vitest';
import { highlight, pathTo, type SearchableNode, searchTree } from './asset-search.ts';

const node = (id: string, name: string, children: SearchableNode[] = []): SearchableNode => ({
  id,
  name,
  children,
});
const tree = [
  node('inlet', 'Inlet works', [
    node('pumping', 'Pumping', [node('p1', 'Pump 1'), node('p2', 'Pump 2'), node('well', 'Wet well')]),
    node('screens', 'Screening', [node('s2', 'Screen 2')]),
  ]),
  node('outlet', 'Outlet'),
];

describe('searchTree', () => {
  it('shows everything (null) for an empty query', () => {
    expect(searchTree(tree, '   ')).toBeNull();
  });

  it('finds names holding the words, whatever their case, and shows their ancestors', () => {
    const found = searchTree(tree, 'PUMP ');
    expect(found?.order).toEqual(['pumping', 'p1', 'p2']);
    expect([...(found?.shown ?? [])].sort()).toEqual(['inlet', 'p1', 'p2', 'pumping']);
    expect(found?.matched.has('inlet')).toBe(false);
  });

  it('matches a path when the query holds a "/", spaces around it or not', () => {
    expect(searchTree(tree, 'pumping/pump')?.order).toEqual(['p1', 'p2']);
    expect(searchTree(tree, 'inlet works / screening / screen')?.order).toEqual(['s2']);
    expect(searchTree(tree, 'outlet / pump')?.order).toEqual([]);
  });

  it('finds nothing without hiding the fact: no node shown', () => {
    const found = searchTree(tree, 'blower');
    expect(found?.matched.size).toBe(0);
    expect(found?.shown.size).toBe(0);
  });
});

describe('highlight', () => {
  it('splits a name around the words found, keeping its case', () => {
    expect(highlight('Wet well', 'WELL')).toEqual(['Wet ', 'well', '']);
    expect(highlight('Pump 1', 'screen')).toBeNull();
    expect(highlight('Pump 1', 'pumping / pump')).toBeNull();
  });
});

describe('pathTo', () => {
  it('answers the nodes from the top of the site down to the asset', () => {
    expect(pathTo(tree, 'p2').map((n) => n.id)).toEqual(['inlet', 'pumping', 'p2']);
    expect(pathTo(tree, 'nowhere')).toEqual([]);
  });
});
