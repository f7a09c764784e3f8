import { CLONE_STATE, READ_UNIT, WRITE_UNITS } from './clone-lua.js';
import { RedisScript } from './scripts.js';

/**
 * One batch of a batched directory clone, atomic on the server, so it needs no WATCH: lists
 * the units' entries in name order, reads every source, then writes the copies (clone-lua.ts).
 * Every read comes before the first write, so a failing read leaves nothing behind.
 *
 * KEYS and ARGV[1], ARGV[3..6]: as in clone-lua.ts. ARGV[2]: the cost cap — the batch stops
 * at the entry that reaches it. ARGV[7], ARGV[8]: the detached root and the session that must own
 * it ('' = no check; status -2 when the record is gone, -3 when another session owns it). ARGV[9]:
 * a non-root reader as 'uid,gid,group,…' ('' = root): status -4 and the inode when it may not read
 * a unit's directory or an entry read (checked before any write). Then per unit: source ino, destination ino, the name to go on
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
local reader = nil
if ARGV[9] ~= '' then
  reader = {}
  for x in string.gmatch(ARGV[9], '[^,]+') do reader[#reader + 1] = tonumber(x) end
end
-- permissions.ts mayAccess for a non-root caller: read on a file, read and search on a directory.
local function mayRead(a)
  local t = a:byte(1)
  local need = t == 2 and 5 or (t == 1 and 4 or 0)
  if need == 0 then return true end
  local mode, uid, gid = struct.unpack('>I4I4I4', a, 2)
  local bits
  if uid == reader[1] then
    bits = math.floor(mode / 64) % 8
  else
    local member = false
    for g = 2, #reader do if reader[g] == gid then member = true end end
    bits = member and math.floor(mode / 8) % 8 or mode % 8
  end
  return bit.band(bits, need) == need
end
local units = {}
for u = 10, #ARGV, 3 do
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
if reader then
  for _, unit in ipairs(units) do
    local d = redis.call('GET', prefix .. 'i' .. unit.src)
    if d and not mayRead(d) then return { -4, 0, 0, 0, unit.src } end
  end
  for k = 1, #eName do
    if not mayRead(eAttr[k]) then return { -4, 0, 0, 0, eSrc[k] } end
  end
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
