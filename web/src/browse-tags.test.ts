import type { BrowseNode } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { addressOf, addressText, filterTree, isTagNode, suggestKey } from './browse-tags.ts';

const variable = (nodeId: string, browseName: string, displayName = browseName): BrowseNode => ({
  nodeId,
  browseName,
  displayName,
  nodeClass: 'Variable',
  dataType: 'Double',
  value: 1.5,
});
const tree: BrowseNode = {
  nodeId: 'i=85',
  browseName: '0:Objects',
  displayName: 'Objects',
  nodeClass: 'Object',
  children: [
    {
      nodeId: 'ns=1;s=Pump1',
      browseName: '1:Pump1',
      displayName: 'Pump 1',
      nodeClass: 'Object',
      children: [
        variable('ns=1;s=Pump1.MotorTemp', '1:Motor Temp'),
        variable('ns=1;s=Pump1.Current', '1:Current'),
      ],
    },
    variable('ns=1;s=Level', '1:Level'),
  ],
};

describe('browsed nodes as tags', () => {
  it('takes variables and nodes with their own address as tags, not folders', () => {
    expect(isTagNode(tree)).toBe(false);
    expect(isTagNode(variable('ns=1;s=X', '1:X'))).toBe(true);
    const metric: BrowseNode = {
      nodeId: 'spB/edge/Temp',
      browseName: 'Temp',
      displayName: 'Temp',
      nodeClass: 'Metric',
      address: { kind: 'sparkplug', metric: 'Temp', sparkplugDevice: 'dev1' },
    };
    expect(isTagNode(metric)).toBe(true);
    expect(addressOf(metric)).toEqual({ kind: 'sparkplug', metric: 'Temp', sparkplugDevice: 'dev1' });
    expect(addressOf(variable('ns=1;s=X', '1:X'))).toEqual({ kind: 'opcua', nodeId: 'ns=1;s=X' });
  });

  it('makes a valid key from the browse name, unique on the device', () => {
    expect(suggestKey(variable('a', '1:Motor Temp'), new Set())).toBe('Motor_Temp');
    expect(suggestKey(variable('a', '1:Level'), new Set(['Level', 'Level_2']))).toBe('Level_3');
    expect(suggestKey(variable('a', '2:°C reading'), new Set())).toBe('C_reading');
    expect(suggestKey(variable('a', '1:✓'), new Set())).toBe('tag');
    expect(suggestKey(variable('a', `1:${'x'.repeat(100)}`), new Set())).toHaveLength(60);
  });

  it('recognises an address whatever the order of its fields', () => {
    expect(addressText({ nodeId: 'ns=1;s=X', kind: 'opcua' } as never)).toBe(
      addressText({ kind: 'opcua', nodeId: 'ns=1;s=X' }),
    );
  });

  it('keeps the matches of a search and the folders above them', () => {
    const found = filterTree(tree, 'motor');
    expect(found?.children?.map((c) => c.nodeId)).toEqual(['ns=1;s=Pump1']);
    expect(found?.children?.[0]?.children?.map((c) => c.nodeId)).toEqual(['ns=1;s=Pump1.MotorTemp']);
    expect(filterTree(tree, 'nothing like it')).toBeNull();
    expect(filterTree(tree, '  ')).toBe(tree);
    // a matching folder keeps all its children
    expect(filterTree(tree, 'pump 1')?.children?.[0]?.children).toHaveLength(2);
  });
});
