import type { IdGenerator } from '@plantwatch/shared';
import { v7 } from 'uuid';

/** UUIDv7: time-ordered, so primary-key indexes stay append-mostly. */
export const uuidV7Ids: IdGenerator = { newId: () => v7() };
