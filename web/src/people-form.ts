// The numbered rows the add forms for contacts, rotations and policies offer; the server actions
// read the same field names (`channels.0.type`, `members.2`, `levels.1.targets.0`).
export const peopleFormRows = { channels: 3, members: 6, levels: 3, targets: 2 } as const;

/** Rows 0…n-1, each with a stable key: the rows are fixed, never reordered. */
export const formRows = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, index) => ({ index, key: `${prefix}-${index + 1}` }));

/** A list shown in its stored order, whose entries may repeat (a member taking two turns): keyed by position. */
export const keyed = <T>(entries: readonly T[], prefix: string) =>
  entries.map((value, index) => ({ value, key: `${prefix}-${index + 1}` }));
