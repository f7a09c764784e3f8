/**
 * Lua shared by the clone scripts (clone-script.ts, clone-listed-script.ts). Per-inode key
 * names are built here from the prefix, as KeyLayout builds them (the entries found by a
 * listing cannot be declared in advance): the engine runs on standalone Redis only (README.md).
 *
 * Common arguments — KEYS: counter:nextInode, counter:inodes, counter:usedBytes, sliceRefs.
 * ARGV[1] prefix, ARGV[3] preserve ('1' or '0'), ARGV[4] mode mask, ARGV[5] owner (uid, gid:
 * 8 bytes, or ''; with preserve, a non-root caller's copy: owner replaced, mode masked), ARGV[6] times (atime, mtime, ctime: 36 bytes, or ''), as codec.ts packs them.
 */

import type { CloneAttrs } from '../../clone/clone-spec.js';
import { PRIVILEGE_CLEARED } from '../../clone/cloned-attr.js';
import type { Ino, Timespec } from '../../types.js';
import { ATTR_OWNER_BYTES, ATTR_TIMES_BYTES, packAttr } from './codec.js';
import type { RedisArg } from './redis-like.js';

/** ARGV[3..6] of the clone scripts: preserve, mode mask, owner bytes, times bytes. */
export function cloneAttrArgs(attrs: CloneAttrs): RedisArg[] {
  if (attrs.preserve && !attrs.owner) return ['1', '0', '', ''];
  if (attrs.preserve) return ['1', String(PRIVILEGE_CLEARED), packOwner(attrs.owner!), ''];
  const packed = packed0(attrs, attrs.now);
  return ['0', String(~attrs.umask & 0o7777), packed.subarray(...ATTR_OWNER_BYTES), packed.subarray(...ATTR_TIMES_BYTES)];
}

/** An inode packed as codec.ts does, to cut the owner and times bytes from. */
function packed0(owner: { uid: number; gid: number }, t: Timespec): Buffer {
  return packAttr({ ino: 0 as Ino, type: 'file', mode: 0, uid: owner.uid, gid: owner.gid, nlink: 0, length: 0, rdev: 0, atime: t, mtime: t, ctime: t, parent: 0 as Ino });
}

function packOwner(owner: { uid: number; gid: number }): Buffer {
  return packed0(owner, { sec: 0, nsec: 0 }).subarray(...ATTR_OWNER_BYTES);
}

/** Arguments, helpers, and the entries to clone as parallel arrays (position k). */
export const CLONE_STATE = `
local RECORDS_PER_COST = 10
local prefix = ARGV[1]
local preserve, mask, owner, times = ARGV[3] == '1', tonumber(ARGV[4]), ARGV[5], ARGV[6]
local function dec(n) return string.format('%.0f', n) end
local function batches(list, fn)
  for first = 1, #list, 1000 do fn(first, unpack(list, first, math.min(first + 999, #list))) end
end
-- Per entry k: name, source ino (decimal), clone ino (number), source attributes, has chunks.
local eName, eSrc, eDst, eAttr, eChunks = {}, {}, {}, {}, {}
-- Chunk records read, per slice id (decimal), and the ids in order.
local refs, refIds = {}, {}
-- Cost of what was read: one per entry, one per RECORDS_PER_COST chunk records.
local used = 0
`;

/**
 * readUnit(unit, names, inos, dsts, cap): reads the sources of a unit's entries in order (the
 * inode, chunk records and whether any has xattrs), appending them from position unit.first;
 * stops after the entry that brings \`used\` to \`cap\`, and returns how many names it read.
 * An entry whose inode is gone is skipped (unit.skipped).
 */
export const READ_UNIT = `
local function readUnit(unit, names, inos, dsts, cap)
  local inodeKeys, xattrKeys, attrs, xattrs = {}, {}, {}, 0
  for i = 1, #names do
    inodeKeys[i] = prefix .. 'i' .. inos[i]
    xattrKeys[i] = prefix .. 'x' .. inos[i]
  end
  batches(inodeKeys, function(first, ...)
    local v = redis.call('MGET', ...)
    for i = 1, #v do attrs[first + i - 1] = v[i] end
  end)
  batches(xattrKeys, function(_, ...) xattrs = xattrs + redis.call('EXISTS', ...) end)
  unit.xattrs, unit.first, unit.subdirs = xattrs > 0, #eName + 1, 0
  local read = #names
  for i = 1, #names do
    local a = attrs[i]
    if inos[i] ~= '' and a then
      local k = #eName + 1
      eName[k], eSrc[k], eAttr[k], eChunks[k] = names[i], inos[i], a, false
      if dsts then eDst[k] = dsts[i] end
      used = used + 1
      local t = a:byte(1)
      if t == 1 then
        local chunks = redis.call('HVALS', prefix .. 'c' .. inos[i])
        eChunks[k] = #chunks > 0
        for f = 1, #chunks do
          local recs = chunks[f]
          used = used + #recs / 24 / RECORDS_PER_COST
          for at = 1, #recs - 23, 24 do
            local hi, lo = struct.unpack('>I4I4', recs, at + 4)
            if hi ~= 0 or lo ~= 0 then
              local id = dec(hi * 4294967296 + lo)
              local n = refs[id]
              if n then refs[id] = n + 1 else refs[id] = 1; refIds[#refIds + 1] = id end
            end
          end
        end
      elseif t == 2 then
        unit.subdirs = unit.subdirs + 1
      end
    else
      unit.skipped = true
    end
    if used >= cap and i < #names then
      read = i
      break
    end
  end
  unit.count = #eName - unit.first + 1
  return read
end
`;

/**
 * writeUnits(units, out): writes the clones of every entry read (at eDst[k]) under its unit's
 * destination: inodes, chunks (COPY), symlink targets and xattrs, the directory entries (the
 * names' sorted set copied whole when the unit is whole and nothing was skipped), the
 * destinations' link counts, one more reference per chunk record, and the counters. Appends
 * (source ino, clone ino) of each directory to \`out\`; returns the bytes of the files cloned.
 */
export const WRITE_UNITS = `
local function writeUnits(units, out)
  local nlinks = { string.char(0, 0, 0, 1), string.char(0, 0, 0, 2) }
  local inodes, bytes = {}, 0
  for _, unit in ipairs(units) do
    if unit.count > 0 then
      local entries, names, parent = {}, {}, struct.pack('>d', tonumber(unit.dst))
      for k = unit.first, unit.first + unit.count - 1 do
        local ino, a, src = eDst[k], eAttr[k], eSrc[k]
        local dst, t = dec(ino), a:byte(1)
        local nlink = nlinks[t == 2 and 2 or 1]
        if preserve and owner == '' then
          a = a:sub(1, 13) .. nlink .. a:sub(18, 65) .. parent
        else
          local mode = t == 3 and a:sub(2, 5) or struct.pack('>I4', bit.band(struct.unpack('>I4', a, 2), mask))
          a = a:sub(1, 1) .. mode .. owner .. nlink .. a:sub(18, 29) .. (preserve and a:sub(30, 65) or times) .. parent
        end
        inodes[#inodes + 1] = prefix .. 'i' .. dst
        inodes[#inodes + 1] = a
        entries[#entries + 1] = eName[k]
        entries[#entries + 1] = a:sub(1, 1) .. struct.pack('>d', ino)
        names[#names + 1] = '0'
        names[#names + 1] = eName[k]
        if t == 1 then
          if eChunks[k] then redis.call('COPY', prefix .. 'c' .. src, prefix .. 'c' .. dst) end
          bytes = bytes + struct.unpack('>d', a, 18)
        elseif t == 2 then
          out[#out + 1] = tonumber(src)
          out[#out + 1] = ino
        elseif t == 3 then
          redis.call('COPY', prefix .. 's' .. src, prefix .. 's' .. dst)
        end
        if unit.xattrs then redis.call('COPY', prefix .. 'x' .. src, prefix .. 'x' .. dst) end
      end
      batches(entries, function(_, ...) redis.call('HSET', prefix .. 'd' .. unit.dst, ...) end)
      local copied = unit.whole and not unit.skipped and redis.call('COPY', prefix .. 'n' .. unit.src, prefix .. 'n' .. unit.dst) == 1
      if not copied then batches(names, function(_, ...) redis.call('ZADD', prefix .. 'n' .. unit.dst, ...) end) end
      if unit.subdirs > 0 then
        local a = redis.call('GET', prefix .. 'i' .. unit.dst)
        local nlink = struct.unpack('>I4', a, 14) + unit.subdirs
        redis.call('SET', prefix .. 'i' .. unit.dst, a:sub(1, 13) .. struct.pack('>I4', nlink) .. a:sub(18))
      end
    end
  end
  batches(inodes, function(_, ...) redis.call('MSET', ...) end)
  -- Only slices that exist gain references (as ADD_REFS does); a record always names one.
  local counts = {}
  batches(refIds, function(at, ...)
    local current = redis.call('HMGET', KEYS[4], ...)
    for i = 1, #current do
      if current[i] then
        local id = refIds[at + i - 1]
        counts[#counts + 1] = id
        counts[#counts + 1] = dec(tonumber(current[i]) + refs[id])
      end
    end
  end)
  batches(counts, function(_, ...) redis.call('HSET', KEYS[4], ...) end)
  redis.call('INCRBY', KEYS[2], #eName)
  if bytes > 0 then redis.call('INCRBY', KEYS[3], dec(bytes)) end
  return bytes
end
`;
