import { createHash } from 'node:crypto';
import type { RedisArg } from './redis-like.js';

/** A Lua script and its SHA1, as EVALSHA names it. */
export class RedisScript {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }
}

/**
 * Drops `n` references of slice `id` (a decimal string); at zero the slice leaves the
 * reference and size hashes and joins the deletion queue — in the same atomic step.
 */
const DROP = `
local function drop(refs, sizes, queue, id, n)
  if redis.call('HEXISTS', refs, id) == 0 then return end
  if redis.call('HINCRBY', refs, id, -n) <= 0 then
    local size = redis.call('HGET', sizes, id) or '0'
    redis.call('HDEL', refs, id)
    redis.call('HDEL', sizes, id)
    redis.call('ZADD', queue, id, id .. ':' .. size)
  end
end
`;

/**
 * Removes slices from the deletion queue (their blocks are deleted), with their inline data, and
 * subtracts them from the stored counters. KEYS: delSlices, counter:storedSlices,
 * counter:storedBytes, sliceData. ARGV: ids. Only queued slices lose their data: a slice still
 * referenced keeps it.
 */
export const FINISH_PENDING = new RedisScript(`
for _, id in ipairs(ARGV) do
  for _, member in ipairs(redis.call('ZRANGE', KEYS[1], id, id, 'BYSCORE')) do
    redis.call('ZREM', KEYS[1], member)
    redis.call('HDEL', KEYS[4], id)
    redis.call('INCRBY', KEYS[2], -1)
    redis.call('INCRBY', KEYS[3], -tonumber(string.match(member, ':(%d+)$')))
  end
end
return 0`);

/** KEYS: sliceRefs, sliceSizes, delSlices. ARGV: id, n, id, n, … */
export const DROP_REFS = new RedisScript(`${DROP}
for i = 1, #ARGV, 2 do drop(KEYS[1], KEYS[2], KEYS[3], ARGV[i], tonumber(ARGV[i + 1])) end
return 0`);

/** KEYS: sliceRefs. ARGV: id, n, … — only slices that exist gain references. */
export const ADD_REFS = new RedisScript(`
for i = 1, #ARGV, 2 do
  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
return 0`);

/** KEYS: chunks hash. ARGV: index, packed records to append. */
export const APPEND_CHUNK = new RedisScript(`
redis.call('HSET', KEYS[1], ARGV[1], (redis.call('HGET', KEYS[1], ARGV[1]) or '') .. ARGV[2])
return 0`);

/**
 * KEYS: chunks hash, sliceRefs, sliceSizes, delSlices. ARGV: first index to delete.
 * Removes the chunks at index >= ARGV[1] and drops one reference per record (id at bytes 5..12).
 */
export const DELETE_CHUNKS = new RedisScript(`${DROP}
local from = tonumber(ARGV[1])
local fields = redis.call('HGETALL', KEYS[1])
local counts, order = {}, {}
for i = 1, #fields, 2 do
  if tonumber(fields[i]) >= from then
    local recs = fields[i + 1]
    for at = 1, #recs - 23, 24 do
      local hi, lo = struct.unpack('>I4I4', recs, at + 4)
      if hi ~= 0 or lo ~= 0 then
        local id = string.format('%.0f', hi * 4294967296 + lo)
        if not counts[id] then counts[id] = 0; order[#order + 1] = id end
        counts[id] = counts[id] + 1
      end
    end
    redis.call('HDEL', KEYS[1], fields[i])
  end
end
for _, id in ipairs(order) do drop(KEYS[2], KEYS[3], KEYS[4], id, counts[id]) end
return #order`);

/** KEYS: entries hash, names sorted set. ARGV: ZRANGE BYLEX start, count. Returns name, value, … */
export const LIST_ENTRIES = new RedisScript(`
local names = redis.call('ZRANGE', KEYS[2], ARGV[1], '+', 'BYLEX', 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for first = 1, #names, 1000 do
  local last = math.min(first + 999, #names)
  local values = redis.call('HMGET', KEYS[1], unpack(names, first, last))
  for i = first, last do
    out[#out + 1] = names[i]
    out[#out + 1] = values[i - first + 1]
  end
end
return out`);

/**
 * A walk from one inode through names (Engine.read's getEntries), in one round trip where each
 * step took two. KEYS: the start's inode. ARGV: key prefix, the start inode, then the names
 * (keys built from the prefix as KeyLayout builds them). Per step until one is missing: the
 * directory's packed attributes, its entry of the step's name and the inode the entry names
 * (each empty when missing); nothing at all when the start has no inode.
 */
export const WALK_ENTRIES = new RedisScript(`
local dir = ARGV[2]
local out = {}
for i = 3, #ARGV do
  local attrs = redis.call('GET', ARGV[1] .. 'i' .. dir)
  if not attrs then return out end
  local entry = redis.call('HGET', ARGV[1] .. 'd' .. dir, ARGV[i])
  local child = false
  if entry then
    dir = string.format('%.0f', struct.unpack('>d', entry, 2))
    child = redis.call('GET', ARGV[1] .. 'i' .. dir)
  end
  out[#out + 1] = attrs
  out[#out + 1] = entry or ''
  out[#out + 1] = child or ''
  if not child then return out end
end
return out`);

/**
 * A directory and one page of its entries (Engine.read's listEntries). KEYS: the directory's
 * inode, its entries hash, its names sorted set. ARGV: key prefix, ZRANGE BYLEX start, count,
 * '1' to read each entry's inode and whether it has extended attributes too (keys built from
 * the prefix as KeyLayout builds them). Returns the directory's packed attributes (nil: none),
 * then per name: name, entry (empty when the hash lacks it)[, inode (nil: none), 1 or 0].
 */
export const LIST_DIRECTORY = new RedisScript(`
local out = { redis.call('GET', KEYS[1]) }
if not out[1] then return out end
local names = redis.call('ZRANGE', KEYS[3], ARGV[2], '+', 'BYLEX', 'LIMIT', 0, tonumber(ARGV[3]))
local plus = ARGV[4] == '1'
for first = 1, #names, 1000 do
  local last = math.min(first + 999, #names)
  local values = redis.call('HMGET', KEYS[2], unpack(names, first, last))
  for i = first, last do
    local v = values[i - first + 1]
    out[#out + 1] = names[i]
    out[#out + 1] = v or ''
    if plus then
      local attr, xattrs = false, 0
      if v then
        local ino = string.format('%.0f', struct.unpack('>d', v, 2))
        attr = redis.call('GET', ARGV[1] .. 'i' .. ino)
        xattrs = redis.call('EXISTS', ARGV[1] .. 'x' .. ino)
      end
      out[#out + 1] = attr
      out[#out + 1] = xattrs
    end
  end
end
return out`);

/**
 * KEYS: a hash. ARGV: HSCAN cursor, count. Returns the next cursor, then field, length of its
 * value, field, length, … — the values themselves stay on the server (inline data).
 */
export const SCAN_LENGTHS = new RedisScript(`
local page = redis.call('HSCAN', KEYS[1], ARGV[1], 'COUNT', ARGV[2])
local out = { page[1] }
for i = 1, #page[2], 2 do
  out[#out + 1] = page[2][i]
  out[#out + 1] = #page[2][i + 1]
end
return out`);

/**
 * Replaces an inode's packed attributes if they are exactly the expected ones, and publishes the
 * change (Engine.replaceInode). KEYS: the inode. ARGV: expected, next, channel, payload ('' for
 * none). Returns 1 when replaced, 0 when the inode differs or is gone.
 */
export const REPLACE_INODE = new RedisScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
if ARGV[4] ~= '' then redis.call('PUBLISH', ARGV[3], ARGV[4]) end
return 1`);

/** The scripts a transaction's writes may call (CommandBuffer.script) that a guarded commit runs itself. */
const EMBEDDABLE = [APPEND_CHUNK, DELETE_CHUNKS, ADD_REFS, DROP_REFS];

/** The SHA of the embeddable script a queued EVAL or EVALSHA calls (undefined: another command or script). */
export function embeddedScript(command: readonly RedisArg[]): string | undefined {
  const [verb, what] = command;
  if (verb === 'EVALSHA') return EMBEDDABLE.find((s) => s.sha === what)?.sha;
  if (verb === 'EVAL') return EMBEDDABLE.find((s) => s.source === what)?.sha;
  return undefined;
}

/**
 * A transaction's writes applied only if what its caller assumed holds (TxnOptions.assume): one
 * script instead of a watched read and MULTI … EXEC. KEYS: the assumed inode, the entries hash of
 * the directory it is. ARGV: its expected packed attributes, a name that must be absent from that
 * hash ('' for none), then each write as its argument count and arguments; a call of an embeddable
 * script as EVALSHA, sha, number of keys, keys, arguments. Returns 1 when applied, 0 when the
 * assumption failed (nothing written).
 */
export const GUARDED_COMMIT = new RedisScript(`
local scripts = {}
${EMBEDDABLE.map((s) => `scripts['${s.sha}'] = function(KEYS, ARGV)\n${s.source}\nend`).join('\n')}
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] ~= '' and redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then return 0 end
local i = 3
while i <= #ARGV do
  local n = tonumber(ARGV[i])
  if ARGV[i + 1] == 'EVALSHA' then
    local nkeys = tonumber(ARGV[i + 3])
    local keys, args = {}, {}
    for j = 1, nkeys do keys[j] = ARGV[i + 3 + j] end
    for j = i + 4 + nkeys, i + n do args[#args + 1] = ARGV[j] end
    scripts[ARGV[i + 2]](keys, args)
  else
    redis.call(unpack(ARGV, i + 1, i + n))
  end
  i = i + n + 1
end
return 1`);
