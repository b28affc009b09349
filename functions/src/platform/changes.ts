// What changed, said to whoever streams it to a browser (server-sent events, ADR 0028): a tenant's
// alarms, a site's live values, a gateway's status. A signal, not the data: a listener reads what it
// shows again, so a lost or doubled signal costs a read, never a wrong screen. Published after the
// change is committed.

export const changeTopics = ['alarms', 'values', 'gateways'] as const;
export type ChangeTopic = (typeof changeTopics)[number];

export interface Change {
  tenantId: string;
  topic: ChangeTopic;
  /** The site it happened at; null when not known (the listener then treats every site as changed). */
  siteId: string | null;
}

/** Hands a committed change on to listeners. Never throws and never waits for them. */
export interface ChangePublisher {
  publish(change: Change): void;
}

export interface ChangeFeed extends ChangePublisher {
  /** Listens to one tenant's changes until the returned function is called. */
  subscribe(tenantId: string, listener: (change: Change) => void): () => void;
}
