/** Produces new identifiers (UUIDv7 in production: time-ordered, index-friendly). */
export interface IdGenerator {
  newId(): string;
}
