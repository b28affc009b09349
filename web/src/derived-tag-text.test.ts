// biome-ignore-all lint/suspicious/noTemplateCurlyInString: formulas write their references as ${device:tag}
import { describe, expect, it } from 'vitest';
import { derivedTagBody, insertReference } from './derived-tag-text.ts';

describe('insertReference', () => {
  it.each([
    ['at the cursor', '-', '${a:b}', 0, 0, '${a:b}-', 6],
    ['in place of the selection', 'x - y', '${a:b}', 4, 5, 'x - ${a:b}', 10],
    ['at the end of an empty formula', '', '${k}', 0, 0, '${k}', 4],
    ['at the end when the cursor is unknown', 'x +', '${k}', -1, -1, 'x +${k}', 7],
    ['at the end when past it', 'x', '${k}', 9, 12, 'x${k}', 5],
  ])('puts a reference %s', (_case, formula, reference, start, end, expected, cursor) => {
    expect(insertReference(formula, reference, start, end)).toEqual({ formula: expected, cursor });
  });
});

describe('derivedTagBody', () => {
  const fields = {
    key: ' balance ',
    name: ' Balance ',
    description: '',
    formula: ' ${a:b} - 1 ',
    unit: 'L/s',
  };
  it('sends the site and key when adding', () => {
    expect(derivedTagBody(fields, { siteId: 's1' })).toEqual({
      siteId: 's1',
      key: 'balance',
      name: 'Balance',
      description: '',
      formula: '${a:b} - 1',
      unit: 'L/s',
    });
  });
  it('never sends the key or site when editing', () => {
    expect(derivedTagBody(fields, null)).toEqual({
      name: 'Balance',
      description: '',
      formula: '${a:b} - 1',
      unit: 'L/s',
    });
  });
  it.each([
    ['an empty period as null (computed on input changes only)', '', null],
    ['a period in seconds as a number', ' 60 ', 60],
    ['a fraction as it is (the API refuses it, naming the field)', '1.5', 1.5],
    ['text as typed (the API refuses it, naming the field)', 'often', 'often'],
  ])('sends %s', (_case, typed, sent) => {
    expect(derivedTagBody({ ...fields, periodSeconds: typed, staleAfterSeconds: '' }, null)).toMatchObject({
      periodSeconds: sent,
      staleAfterSeconds: null,
    });
  });
});
