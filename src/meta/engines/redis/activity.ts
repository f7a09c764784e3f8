/** What this process's Redis engines did, for benchmarks (round trips per operation) and tests. */
const activity = { requests: 0, commits: 0, conflicts: 0 };

/** Counts one request: a command or script, a WATCH pipelined with its read, or a MULTI … EXEC block. */
export function countRequest(kind: 'request' | 'commit' | 'conflict'): void {
  if (kind === 'request') activity.requests++;
  else if (kind === 'commit') activity.commits++;
  else activity.conflicts++;
}

/** Requests sent (each a round trip unless several were in flight at once), committed blocks, lost conflicts. */
export function redisActivity(): { requests: number; commits: number; conflicts: number } {
  return { ...activity };
}
