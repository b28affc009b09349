import { v7 } from 'uuid';
import type { IdGenerator } from './id-generator.ts';

/** UUIDv7: time-ordered, so primary-key indexes stay append-mostly. */
export const uuidV7Ids: IdGenerator = { newId: () => v7() };
