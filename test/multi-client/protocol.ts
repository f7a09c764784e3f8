/** One command to a worker process, one JSON line on its stdin. */
export type WorkerRequest =
  | { id: number; op: 'open'; metaUrl: string; /** Only the metadata, with this session TTL (no data layer). */ sessionTtlMs?: number }
  | { id: number; op: 'close' }
  | { id: number; op: 'action'; name: string; args: unknown };

/** A worker's answer, one JSON line on its stdout. */
export type WorkerReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code?: string; message: string; stack?: string } };
