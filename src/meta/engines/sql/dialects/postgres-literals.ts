/**
 * One value as an untyped SQL literal (an argument of EXECUTE), or undefined when it has none
 * here. Untyped (quoted), so it converts to the prepared parameter's type as a parameter pg
 * sends would (pg sends every parameter untyped). Strings escape only quotes: the connection sets
 * standard_conforming_strings = on (postgres-connection.ts), so a backslash is a backslash.
 */
export function literal(value: unknown): string | undefined {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') return Number.isFinite(value) ? `'${value}'` : undefined;
  if (typeof value === 'bigint') return `'${value}'`;
  if (typeof value === 'boolean') return value ? `'true'` : `'false'`;
  if (typeof value === 'string') return value.includes('\0') ? undefined : `'${value.replace(/'/g, "''")}'`;
  if (value instanceof Uint8Array) return `'\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}'`;
  return undefined;
}
