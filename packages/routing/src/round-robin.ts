/**
 * Round-robin within a team, as a pure step. The cursor is the number of accounts the team
 * has been given so far (a counter, not an index), so the caller can keep it as a plain
 * integer, persist it atomically with the event that used it, and owners may join or leave
 * the team without the cursor pointing past the end: the owner is `owners[cursor mod n]`.
 */
export interface RoundRobinPick {
  owner: string;
  /** The cursor to persist: the given one plus one. */
  nextCursor: number;
}

/** A cursor the caller could not vouch for (missing, negative, fractional, unsafe) restarts at 0. */
export function normalizeCursor(cursor: number | undefined): number {
  return cursor !== undefined && Number.isSafeInteger(cursor) && cursor >= 0 ? cursor : 0;
}

export function pickOwner(owners: readonly string[], cursor: number | undefined): RoundRobinPick {
  if (owners.length === 0) throw new RangeError("pickOwner: a team needs at least one owner");
  const at = normalizeCursor(cursor);
  // A counter at MAX_SAFE_INTEGER (9e15 assignments) can grow no further and starts over.
  const next = at === Number.MAX_SAFE_INTEGER ? 0 : at + 1;
  return { owner: owners[at % owners.length] as string, nextCursor: next };
}
