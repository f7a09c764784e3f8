import { FsError } from '../errors/index.js';
import { checkCloneOptions } from '../meta/clone/clone-options.js';
import type { ControlRequest } from './control-protocol.js';

/** Longest volume path a request may name (PATH_MAX). */
const MAX_PATH_BYTES = 4096;

/** The fields each request may carry; anything else is refused. */
const FIELDS: Record<ControlRequest['op'], readonly string[]> = {
  clone: ['op', 'src', 'dst', 'preserve', 'consistent', 'umask', 'batchSize'],
  info: ['op', 'path'],
  summary: ['op', 'path'],
  rmr: ['op', 'path', 'batchSize'],
  stats: ['op'],
  warmup: ['op', 'path'],
};

const invalid = (detail: string) => new FsError('EINVAL', { syscall: 'control', detail });

function checkPath(value: unknown, field: string): void {
  if (typeof value !== 'string' || !value.startsWith('/')) throw invalid(`${field}: not an absolute volume path`);
  if (value.includes('\0')) throw invalid(`${field}: contains a NUL byte`);
  if (Buffer.byteLength(value) > MAX_PATH_BYTES) throw invalid(`${field}: longer than ${MAX_PATH_BYTES} bytes`);
}

/**
 * One request line of `.control`, checked field by field with the rules the CLI and SDK apply
 * (DESIGN §3.11): EINVAL naming what is wrong. The caller's identity is never part of a request:
 * the mount takes it from the kernel.
 */
export function parseControlRequest(line: string): ControlRequest {
  let request: unknown;
  try {
    request = JSON.parse(line);
  } catch {
    throw invalid('the request is not JSON');
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) throw invalid('the request is not a JSON object');
  const r = request as Record<string, unknown>;
  const op = r.op;
  if (typeof op !== 'string' || !Object.hasOwn(FIELDS, op)) throw invalid(`unknown request ${JSON.stringify(op)}`);
  const unknown = Object.keys(r).filter((k) => !FIELDS[op as ControlRequest['op']].includes(k));
  if (unknown.length) throw invalid(`unknown field ${unknown.map((k) => JSON.stringify(k)).join(', ')} in a ${op} request`);
  if (op === 'stats') return { op };
  if (op !== 'clone') {
    checkPath(r.path, 'path');
    return r as unknown as ControlRequest;
  }
  checkPath(r.src, 'src');
  checkPath(r.dst, 'dst');
  if (r.umask !== undefined && (!Number.isInteger(r.umask) || (r.umask as number) < 0 || (r.umask as number) > 0o777)) {
    throw invalid(`umask: ${String(r.umask)} is not a whole number from 0 to 0777`);
  }
  try {
    checkCloneOptions({ preserve: r.preserve as never, consistent: r.consistent as never, batchSize: r.batchSize as never });
  } catch (err) {
    throw invalid((err as FsError).detail ?? 'bad clone options');
  }
  return r as unknown as ControlRequest;
}
