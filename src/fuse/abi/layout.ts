/**
 * Kernel structs as data: a struct is an ordered list of fields with C types; offsets, sizes
 * and alignment follow the C rules for x86-64/aarch64 (every field aligned to its size).
 * `structs.test.ts` compiles a C program against <linux/fuse.h> and checks every offset.
 */

/** A scalar C type. `u64x` is a u64 kept exact as a bigint (lock owners, lock ends). */
export type Scalar = 'u16' | 'u32' | 'i32' | 'u64' | 'i64' | 'u64x';
/** A fixed array (uint32_t unused[11]): skipped bytes with the alignment of its element. */
export interface Padding {
  readonly bytes: number;
  readonly align: number;
}
export type FieldType = Scalar | Padding | StructLayout<FieldSpec>;
export type FieldSpec = Record<string, FieldType>;

type ValueOf<T> = T extends 'u64x' ? bigint : T extends Scalar ? number : T extends StructLayout<infer S> ? Decoded<S> : never;
/** The JS value of a struct: numbers, bigints for `u64x`, nested objects; padding is left out. */
export type Decoded<S extends FieldSpec> = { -readonly [K in keyof S as S[K] extends Padding ? never : K]: ValueOf<S[K]> };

/** The decoded value of a layout. */
export type DecodedOf<L> = L extends StructLayout<infer S> ? Decoded<S> : never;

/** One field with its offset. */
export interface FieldInfo {
  readonly name: string;
  readonly type: FieldType;
  readonly offset: number;
}

/** A struct's layout: C name, size, alignment and fields. */
export interface StructLayout<S extends FieldSpec> {
  readonly name: string;
  readonly size: number;
  readonly align: number;
  readonly fields: readonly FieldInfo[];
  /** Byte offset of each field. */
  readonly offsets: { readonly [K in keyof S]: number };
  /** Marker for type inference only. */
  readonly spec?: S;
}

const SCALAR_SIZE: Record<Scalar, number> = { u16: 2, u32: 4, i32: 4, u64: 8, i64: 8, u64x: 8 };

/** `count` elements of `elementSize` bytes (a C array field). */
export const array = (elementSize: number, count: number): Padding => ({ bytes: elementSize * count, align: elementSize });

const isScalar = (t: FieldType): t is Scalar => typeof t === 'string';
const isPadding = (t: FieldType): t is Padding => typeof t === 'object' && 'bytes' in t;
const sizeOf = (t: FieldType) => (isScalar(t) ? SCALAR_SIZE[t] : isPadding(t) ? t.bytes : t.size);
const alignOf = (t: FieldType) => (isScalar(t) ? SCALAR_SIZE[t] : t.align);

/** Lays out a struct from its fields in declaration order. */
export function struct<S extends FieldSpec>(name: string, spec: S): StructLayout<S> {
  let offset = 0;
  let align = 1;
  const fields: FieldInfo[] = [];
  const offsets: Record<string, number> = {};
  for (const [field, type] of Object.entries(spec)) {
    const a = alignOf(type);
    offset = Math.ceil(offset / a) * a;
    fields.push({ name: field, type, offset });
    offsets[field] = offset;
    offset += sizeOf(type);
    align = Math.max(align, a);
  }
  return { name, size: Math.ceil(offset / align) * align, align, fields, offsets: offsets as StructLayout<S>['offsets'] };
}

const TWO_32 = 2 ** 32;

function readScalar(buf: Buffer, at: number, type: Scalar): number | bigint {
  switch (type) {
    case 'u16': return buf.readUInt16LE(at);
    case 'u32': return buf.readUInt32LE(at);
    case 'i32': return buf.readInt32LE(at);
    case 'u64': return buf.readUInt32LE(at + 4) * TWO_32 + buf.readUInt32LE(at);
    case 'i64': return buf.readInt32LE(at + 4) * TWO_32 + buf.readUInt32LE(at);
    case 'u64x': return buf.readBigUInt64LE(at);
  }
}

function writeScalar(buf: Buffer, at: number, type: Scalar, value: number | bigint): void {
  switch (type) {
    case 'u16': buf.writeUInt16LE(Number(value), at); return;
    case 'u32': buf.writeUInt32LE(Number(value) >>> 0, at); return;
    case 'i32': buf.writeInt32LE(Number(value), at); return;
    case 'u64x': buf.writeBigUInt64LE(BigInt(value), at); return;
    case 'u64':
    case 'i64': {
      const n = Number(value);
      buf.writeUInt32LE(n >>> 0, at);
      buf.writeUInt32LE(Math.floor(n / TWO_32) >>> 0, at + 4);
    }
  }
}

/**
 * Reads a struct at `at`. Fields past `available` bytes read as 0: the kernel sends shorter,
 * older versions of some structs (fuse_setxattr_in without FUSE_SETXATTR_EXT, fuse_init_in).
 */
export function readStruct<S extends FieldSpec>(layout: StructLayout<S>, buf: Buffer, at = 0, available = layout.size): Decoded<S> {
  const out: Record<string, unknown> = {};
  for (const f of layout.fields) {
    if (isPadding(f.type)) continue;
    const inside = f.offset + sizeOf(f.type) <= available;
    if (isScalar(f.type)) out[f.name] = inside ? readScalar(buf, at + f.offset, f.type) : f.type === 'u64x' ? 0n : 0;
    else out[f.name] = readStruct(f.type, buf, at + f.offset, inside ? f.type.size : 0);
  }
  return out as Decoded<S>;
}

/** Writes a struct at `at`; padding and missing fields are zero-filled. */
export function writeStruct<S extends FieldSpec>(layout: StructLayout<S>, buf: Buffer, at: number, value: Partial<Decoded<S>>): void {
  const v = value as Record<string, unknown>;
  for (const f of layout.fields) {
    const x = v[f.name];
    if (isScalar(f.type)) writeScalar(buf, at + f.offset, f.type, (x as number | bigint | undefined) ?? 0);
    else if (isPadding(f.type) || x === undefined) buf.fill(0, at + f.offset, at + f.offset + sizeOf(f.type));
    else writeStruct(f.type, buf, at + f.offset, x as Record<string, never>);
  }
}

/** A new buffer holding one struct. */
export function encodeStruct<S extends FieldSpec>(layout: StructLayout<S>, value: Partial<Decoded<S>>): Buffer {
  const buf = Buffer.allocUnsafe(layout.size);
  writeStruct(layout, buf, 0, value);
  return buf;
}
