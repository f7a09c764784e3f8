import { fileURLToPath } from 'node:url';

/** What Node's fs takes as a path. */
export type PathLike = string | Buffer | URL;

/** Node's argument errors: TypeError/RangeError with an `ERR_*` code, thrown before any I/O. */
export class ArgumentError extends TypeError {
  constructor(
    readonly code: 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE' | 'ERR_OUT_OF_RANGE' | 'ERR_INVALID_URL_SCHEME' | 'ERR_UNKNOWN_ENCODING',
    message: string,
  ) {
    super(message);
    this.name = code === 'ERR_OUT_OF_RANGE' ? 'RangeError' : 'TypeError';
  }
}

const shown = (v: unknown) => (typeof v === 'string' ? `'${v.replace(/\0/g, '\\x00')}'` : typeof v === 'object' && v ? `an instance of ${v.constructor.name}` : `type ${typeof v} (${String(v)})`);

/** A volume path from a string, Buffer or `file:` URL, refused as Node refuses it (wrong type, NUL byte). */
export function toPath(p: unknown, name = 'path'): string {
  let s: string;
  if (typeof p === 'string') s = p;
  else if (Buffer.isBuffer(p) || p instanceof Uint8Array) s = Buffer.from(p).toString();
  else if (p instanceof URL) {
    if (p.protocol !== 'file:') throw new ArgumentError('ERR_INVALID_URL_SCHEME', 'The URL must be of scheme file');
    s = fileURLToPath(p);
  } else throw new ArgumentError('ERR_INVALID_ARG_TYPE', `The "${name}" argument must be of type string or an instance of Buffer or URL. Received ${shown(p)}`);
  if (s.includes('\0')) throw new ArgumentError('ERR_INVALID_ARG_VALUE', `The argument '${name}' must be a string, Uint8Array, or URL without null bytes. Received ${shown(s)}`);
  return s;
}

/** A mode as Node takes it: a 32-bit unsigned integer or an octal string ('644'); `fallback` when absent. */
export function toMode(mode: unknown, fallback: number, name = 'mode'): number {
  if (mode === undefined || mode === null) return fallback;
  if (typeof mode === 'string') {
    if (!/^[0-7]+$/.test(mode)) throw new ArgumentError('ERR_INVALID_ARG_VALUE', `The argument '${name}' must be a 32-bit unsigned integer or an octal string. Received ${shown(mode)}`);
    return parseInt(mode, 8);
  }
  if (typeof mode !== 'number') throw new ArgumentError('ERR_INVALID_ARG_TYPE', `The "${name}" argument must be of type number. Received ${shown(mode)}`);
  return toUint32(mode, name);
}

/** An integer argument in [0, 2^32). */
export function toUint32(value: number, name: string): number {
  if (!Number.isInteger(value)) throw new ArgumentError('ERR_OUT_OF_RANGE', `The value of "${name}" is out of range. It must be an integer. Received ${value}`);
  if (value < 0 || value > 0xffffffff) throw new ArgumentError('ERR_OUT_OF_RANGE', `The value of "${name}" is out of range. It must be >= 0 && <= 4294967295. Received ${value}`);
  return value;
}

/** A uid/gid argument: an integer in [-1, 2^32) (-1 leaves it unchanged). */
export function toId(value: unknown, name: string): number {
  if (typeof value !== 'number') throw new ArgumentError('ERR_INVALID_ARG_TYPE', `The "${name}" argument must be of type number. Received ${shown(value)}`);
  if (!Number.isInteger(value) || value < -1 || value > 0xffffffff) {
    throw new ArgumentError('ERR_OUT_OF_RANGE', `The value of "${name}" is out of range. It must be >= -1 && <= 4294967295. Received ${value}`);
  }
  return value;
}

/** A byte position: null/undefined (the current one), or a non-negative safe integer (bigint too). */
export function toPosition(position: unknown, name = 'position'): number | null {
  if (position === undefined || position === null) return null;
  if (typeof position === 'bigint') position = Number(position);
  if (typeof position !== 'number') throw new ArgumentError('ERR_INVALID_ARG_TYPE', `The "${name}" argument must be of type number. Received ${shown(position)}`);
  if (position === -1) return null; // Node: -1 means "the current position"
  if (!Number.isSafeInteger(position) || position < 0) {
    throw new ArgumentError('ERR_OUT_OF_RANGE', `The value of "${name}" is out of range. It must be >= -1 && <= ${Number.MAX_SAFE_INTEGER}. Received ${position}`);
  }
  return position;
}

/** Options given as an encoding string or an object, as Node's readFile/writeFile/readdir take them. */
export function toOptions<T extends object>(options: unknown, defaults: T): T & { encoding?: BufferEncoding | 'buffer' | null } {
  if (options === undefined || options === null) return { ...defaults };
  if (typeof options === 'string') return { ...defaults, encoding: toEncoding(options) };
  if (typeof options !== 'object') throw new ArgumentError('ERR_INVALID_ARG_TYPE', `The "options" argument must be one of type string or an instance of Object. Received ${shown(options)}`);
  const merged = { ...defaults, ...(options as object) } as T & { encoding?: BufferEncoding | 'buffer' | null };
  if (merged.encoding !== undefined && merged.encoding !== null) merged.encoding = toEncoding(merged.encoding);
  return merged;
}

function toEncoding(encoding: unknown): BufferEncoding | 'buffer' {
  if (encoding === 'buffer' || (typeof encoding === 'string' && Buffer.isEncoding(encoding))) return encoding as BufferEncoding | 'buffer';
  throw new ArgumentError('ERR_INVALID_ARG_VALUE', `The argument 'encoding' is invalid encoding. Received ${shown(encoding)}`);
}

/** Bytes to write: a Buffer/typed array/DataView as is, a string in `encoding`. */
export function toBytes(data: unknown, encoding: BufferEncoding | 'buffer' | null | undefined, name = 'data'): Buffer {
  if (typeof data === 'string') return Buffer.from(data, encoding && encoding !== 'buffer' ? encoding : 'utf8');
  if (Buffer.isBuffer(data)) return data;
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new ArgumentError('ERR_INVALID_ARG_TYPE', `The "${name}" argument must be of type string or an instance of Buffer, TypedArray, or DataView. Received ${shown(data)}`);
}

/** Throws Node's error for data writeFile does not take (before anything is opened, as Node). */
export function checkWritable(data: unknown): void {
  const iterable = typeof data === 'object' && data !== null && (Symbol.iterator in data || Symbol.asyncIterator in data);
  if (typeof data !== 'string' && !ArrayBuffer.isView(data) && !iterable) toBytes(data, null);
}

/** Bytes decoded as asked: a Buffer for no encoding (or 'buffer'), else a string. */
export function decode(data: Buffer, encoding: BufferEncoding | 'buffer' | null | undefined): Buffer | string {
  return encoding && encoding !== 'buffer' ? data.toString(encoding) : data;
}
