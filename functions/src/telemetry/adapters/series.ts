// Turns one aggregated bucket row (the same columns in every SQL adapter) into a SeriesBucket.

import type { SeriesAggregate, SeriesBucket } from '../ports.ts';
import { decodeValue, toNumber, VALUE_NUMBER } from './encoding.ts';

export interface BucketRow {
  bucket: unknown;
  cnt: unknown;
  num_cnt: unknown;
  sum: unknown;
  min: unknown;
  max: unknown;
  first_kind: unknown;
  first_num: unknown;
  first_txt: unknown;
  last_kind: unknown;
  last_num: unknown;
  last_txt: unknown;
}

export function toSeriesBucket(row: BucketRow, aggregates: readonly SeriesAggregate[]): SeriesBucket {
  const numbers = toNumber(row.num_cnt) ?? 0;
  const bucket: SeriesBucket = { ts: toNumber(row.bucket) ?? 0 };
  for (const aggregate of aggregates) {
    switch (aggregate) {
      case 'avg':
        bucket.avg = numbers > 0 ? (toNumber(row.sum) ?? 0) / numbers : null;
        break;
      case 'min':
        bucket.min = numbers > 0 ? toNumber(row.min) : null;
        break;
      case 'max':
        bucket.max = numbers > 0 ? toNumber(row.max) : null;
        break;
      case 'first':
        bucket.first = decodeValue(row.first_kind, row.first_num, row.first_txt);
        break;
      case 'last':
        bucket.last = decodeValue(row.last_kind, row.last_num, row.last_txt);
        break;
      case 'count':
        bucket.count = toNumber(row.cnt) ?? 0;
        break;
      case 'difference': {
        const numeric = Number(row.first_kind) === VALUE_NUMBER && Number(row.last_kind) === VALUE_NUMBER;
        bucket.difference = numeric ? (toNumber(row.last_num) ?? 0) - (toNumber(row.first_num) ?? 0) : null;
        break;
      }
    }
  }
  return bucket;
}
