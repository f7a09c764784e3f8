import { CLONE_STATE, READ_UNIT, WRITE_UNITS } from './clone-lua.js';
import { RedisScript } from './scripts.js';

/**
 * One batch of a batched directory clone, atomic on the server, so it needs no WATCH: lists
 * the units' entries in name order, reads every source, then writes the copies (clone-lua.ts).
 * Every read comes before the first write, so a failing read leaves nothing behind.
 *
 * KEYS and ARGV[1], ARGV[3..6]: as in clone-lua.ts. ARGV[2]: the cost cap — the batch stops
 * at the entry that reaches it. ARGV[7], ARGV[8]: the detached root and the session that must own
 * it ('' = no check; status -2 when the record is gone, -3 when another session owns it). Then per unit: source ino, destination ino, the name to go on
 * after ('' = from the first).
 * Reply: status (1, or -1 when a destination directory is gone: nothing written), entries
 * cloned, bytes of the files cloned, units reached n, then n times (done 1/0, last name
 * read or ''), then (source ino, clone ino) of each directory cloned.
 */
export const CLONE_BATCH = new RedisScript(`${CLONE_STATE}${READ_UNIT}${WRITE_UNITS}
local cap = tonumber(ARGV[2])
if ARGV[7] ~= '' then
  local node = redis.call('HGET', prefix .. 'detached', ARGV[7])
  if not node then return { -2, 0, 0, 0 } end
  if cjson.decode(node).session ~= tonumber(ARGV[8]) then return { -3, 0, 0, 0 } end
end
local units = {}
for u = 9, #ARGV, 3 do
  if used >= cap then break end
  local src, dst, after = ARGV[u], ARGV[u + 1], ARGV[u + 2]
  if redis.call('EXISTS', prefix .. 'i' .. dst) == 0 then return { -1, 0, 0, 0 } end
  local unit = { src = src, dst = dst, done = 1, last = '', count = 0 }
  units[#units + 1] = unit
  local want = math.ceil(cap - used)
  local names = redis.call('ZRANGE', prefix .. 'n' .. src, after == '' and '-' or '(' .. after, '+', 'BYLEX', 'LIMIT', 0, want)
  local inos = {}
  batches(names, function(first, ...)
    local v = redis.call('HMGET', prefix .. 'd' .. src, ...)
    for i = 1, #v do inos[first + i - 1] = v[i] and dec(struct.unpack('>d', v[i], 2)) or '' end
  end)
  local read = #names > 0 and readUnit(unit, names, inos, nil, cap) or 0
  if read < #names or #names == want then unit.done, unit.last = 0, names[read] end
  unit.whole = after == '' and unit.done == 1
end
local out = { 1, #eName, 0, #units }
for _, unit in ipairs(units) do
  out[#out + 1] = unit.done
  out[#out + 1] = unit.last
end
if #eName == 0 then return out end
local first = redis.call('INCRBY', KEYS[1], #eName) - #eName + 1
for k = 1, #eName do eDst[k] = first + k - 1 end
out[3] = writeUnits(units, out)
return out`);
