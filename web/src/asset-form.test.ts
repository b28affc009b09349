import { describe, expect, it } from 'vitest';
import {
  assetFieldErrors,
  assetPaths,
  attributesBody,
  fieldOfIssue,
  fromModelBody,
  measurementsBody,
  modelBody,
  subtreeIds,
  UNBOUND,
} from './asset-form.ts';

const values = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('asset form bodies', () => {
  it('reads attributes, leaving out empty document rows and an empty date', () => {
    expect(
      attributesBody(
        values({
          name: ' Pump 2 ',
          level: 'equipment',
          make: 'Flygt',
          model: '',
          serial: 'SN-7',
          installDate: '',
          documentsRows: '3',
          'documents.0.title': 'Manual',
          'documents.0.url': 'https://example.com/m.pdf',
          'documents.1.title': '',
          'documents.1.url': '',
          'documents.2.title': '',
          'documents.2.url': 'https://example.com/d.pdf',
        }),
      ),
    ).toEqual({
      name: 'Pump 2',
      level: 'equipment',
      make: 'Flygt',
      model: '',
      serial: 'SN-7',
      installDate: null,
      documents: [
        { title: 'Manual', url: 'https://example.com/m.pdf' },
        { title: '', url: 'https://example.com/d.pdf' },
      ],
    });
  });

  it('reads measurements: an empty tag is unbound, an empty row is dropped, the row count is capped', () => {
    expect(
      measurementsBody(
        values({
          measurementsRows: '99999',
          'measurements.0.name': 'Running',
          'measurements.0.unit': '',
          'measurements.0.tagId': 't-1',
          'measurements.1.name': 'Spare',
          'measurements.1.tagId': '',
          'measurements.2.name': '',
        }),
      ),
    ).toEqual({
      measurements: [
        { name: 'Running', unit: '', tagId: 't-1' },
        { name: 'Spare', unit: '', tagId: null },
      ],
    });
  });

  it('reads an asset from a model: by pattern (left out), by hand, or unbound', () => {
    expect(
      fromModelBody(
        values({
          parentId: 'line-1',
          name: 'Pump 2',
          key: 'pump2',
          'bindings.0': '',
          'bindings.1': 'tag-9',
          'bindings.2': UNBOUND,
          alarmRules: 'on',
        }),
        'site-1',
        ['Running', 'Fault', 'Motor current'],
      ),
    ).toEqual({
      siteId: 'site-1',
      parentId: 'line-1',
      name: 'Pump 2',
      key: 'pump2',
      bindings: { Fault: 'tag-9', 'Motor current': null },
      alarmRules: true,
    });
    expect(fromModelBody(values({ name: 'P' }), 's', []).alarmRules).toBe(false);
  });

  it('reads a model with its rules as JSON, and refuses text that is not a list', () => {
    const rules = [{ measurement: 'Fault', rule: { kind: 'digital', name: 'Tripped' } }];
    const read = modelBody(
      values({
        name: 'Pump',
        description: '',
        level: 'equipment',
        measurementsRows: '2',
        'measurements.0.name': 'Fault',
        'measurements.0.tagPattern': '*/{key}_fault',
        alarmRules: JSON.stringify(rules),
      }),
    );
    expect(read).toEqual({
      body: {
        name: 'Pump',
        description: '',
        level: 'equipment',
        measurements: [{ name: 'Fault', unit: '', tagPattern: '*/{key}_fault' }],
        alarmRules: rules,
      },
    });
    expect(modelBody(values({ name: 'Pump', alarmRules: '{"a": 1}' })).rulesError).toBe('json');
    expect(modelBody(values({ name: 'Pump', alarmRules: '[{' })).rulesError).toBe('json');
    expect(modelBody(values({ name: 'Pump' })).body.alarmRules).toEqual([]);
  });
});

describe('issues and choices', () => {
  it('puts an issue beside the field it names', () => {
    expect(fieldOfIssue('body.documents[0].url')).toBe('documents.0.url');
    expect(fieldOfIssue('measurements.1.name')).toBe('measurements.1.name');
    expect(fieldOfIssue('alarmRules.0.rule.severity')).toBe('alarmRules');
    expect(fieldOfIssue('')).toBe('form');
    expect(
      assetFieldErrors([
        { path: 'name', message: 'a' },
        { path: 'name', message: 'b' },
      ]),
    ).toEqual({ name: 'a' });
  });

  it('names each asset by its path and knows what is under one', () => {
    const all = [
      { id: 'a', parentId: null, name: 'Inlet works' },
      { id: 'b', parentId: 'a', name: 'Pumping' },
      { id: 'c', parentId: 'b', name: 'Pump 1' },
      { id: 'd', parentId: null, name: 'Outlet' },
    ];
    expect(assetPaths(all)).toEqual([
      { id: 'a', path: 'Inlet works' },
      { id: 'b', path: 'Inlet works / Pumping' },
      { id: 'c', path: 'Inlet works / Pumping / Pump 1' },
      { id: 'd', path: 'Outlet' },
    ]);
    expect([...subtreeIds(all, 'b')].sort()).toEqual(['b', 'c']);
  });
});
