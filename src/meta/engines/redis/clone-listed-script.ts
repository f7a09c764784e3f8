import { CLONE_STATE, READ_UNIT, WRITE_UNITS } from './clone-lua.js';
import { RedisScript } from './scripts.js';

/**
 * Clones entries a transaction listed (and WATCHed the directories of), queued in its MULTI,
 * so the copy is of the sources at EXEC: reads every source, then writes the copies
 * (clone-lua.ts) at the clone inodes the transaction reserved. A unit whose destination
 * directory is missing, or an entry whose inode is, is skipped.
 *
 * KEYS and ARGV[1], ARGV[3..6]: as in clone-lua.ts; ARGV[2] is unused. Then per unit:
 * destination ino, source ino, whole ('1' when these are all its names), n, then n times
 * (source ino, clone ino, name). Reply: entries cloned.
 */
export const CLONE_LISTED = new RedisScript(`${CLONE_STATE}${READ_UNIT}${WRITE_UNITS}
local units = {}
local u = 7
while u <= #ARGV do
  local unit = { dst = ARGV[u], src = ARGV[u + 1], whole = ARGV[u + 2] == '1', count = 0 }
  local n = tonumber(ARGV[u + 3])
  local names, inos, dsts = {}, {}, {}
  for i = 1, n do
    local at = u + 4 + 3 * (i - 1)
    inos[i], dsts[i], names[i] = ARGV[at], tonumber(ARGV[at + 1]), ARGV[at + 2]
  end
  u = u + 4 + 3 * n
  if n > 0 and redis.call('EXISTS', prefix .. 'i' .. unit.dst) == 1 then
    units[#units + 1] = unit
    readUnit(unit, names, inos, dsts, math.huge)
  end
end
if #eName > 0 then writeUnits(units, {}) end
return #eName`);
