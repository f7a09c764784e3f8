#!/usr/bin/env bash
# What PostgreSQL itself spends on a create as slicefs sends it, without slicefs's client: pgbench
# (one client, synchronous_commit off as slicefs sets it) on a freshly formatted volume's tables,
# with the create's statements (as the server log shows them) and variants of it.
#   bash bench/pg-create-cost.sh [SECONDS_EACH]     (needs pgbench, PostgreSQL on 127.0.0.1, npm run build)
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-8}
DB=slicefs_bench_create_$$
WORK=$(mktemp -d)
PSQL=(psql -q -h 127.0.0.1 -U postgres)
cleanup() { "${PSQL[@]}" -c "DROP DATABASE IF EXISTS $DB" > /dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
"${PSQL[@]}" -c "CREATE DATABASE $DB" > /dev/null
node bin/slicefs.js format "postgres://postgres@127.0.0.1:5432/$DB" bench-create --storage "file://$WORK/objects/" > /dev/null

COLS="ino, type, mode, uid, gid, nlink, length, rdev, atime, atimensec, mtime, mtimensec, ctime, ctimensec, parent"
UPD="ON CONFLICT (ino) DO UPDATE SET type = excluded.type, mode = excluded.mode, uid = excluded.uid, gid = excluded.gid, nlink = excluded.nlink, length = excluded.length, rdev = excluded.rdev, atime = excluded.atime, atimensec = excluded.atimensec, mtime = excluded.mtime, mtimensec = excluded.mtimensec, ctime = excluded.ctime, ctimensec = excluded.ctimensec, parent = excluded.parent"
NODE="INSERT INTO node ($COLS) VALUES (:ino, 'file', 420, 0, 0, 1, 0, 0, 1, 2, 3, 4, 5, 6, 1) $UPD"
EDGE="INSERT INTO edge (parent, name, ino, type) VALUES (1, int8send(:ino), :ino, 'file') ON CONFLICT (parent, name) DO UPDATE SET ino = excluded.ino, type = excluded.type"
DIR="INSERT INTO node ($COLS) VALUES (1, 'dir', 493, 0, 0, 2, 0, 0, 1, 2, :ino, 4, :ino, 6, 1) $UPD"
COUNTER="INSERT INTO counter (name, value) VALUES ('inodes', 1) ON CONFLICT (name) DO UPDATE SET value = counter.value + excluded.value"
SUSTAINED="INSERT INTO sustained (session, ino) VALUES (1, :ino) ON CONFLICT (session, ino) DO NOTHING"
LOCK="SELECT pg_try_advisory_xact_lock_shared(1, 2)"
GUARD="SELECT 1 / (pg_try_advisory_xact_lock_shared(1, 2) AND EXISTS (SELECT 1 FROM node WHERE ino = 1 AND type = 'dir') AND NOT EXISTS (SELECT 1 FROM edge WHERE parent = 1 AND name = int8send(:ino)))::int"

# script NAME ISOLATION TAIL: the create (lock try, guard, five writes in one statement, then TAIL), in one round trip
script() {
  printf '\\set ino random(1000000, 9000000000000000000)\nBEGIN ISOLATION LEVEL %s \\;\n%s \\;\n%s \\;\nWITH w0 AS (%s), w1 AS (%s), w2 AS (%s), w3 AS (%s), w4 AS (%s) %s \\;\nCOMMIT\n' \
    "$2" "$LOCK" "$GUARD" "$NODE" "$EDGE" "$DIR" "$COUNTER" "$SUSTAINED" "$3" > "$WORK/$1.sql"
}
one() { printf '\\set ino random(1000000, 9000000000000000000)\nBEGIN \\;\n%s \\;\nCOMMIT\n' "$2" > "$WORK/$1.sql"; }
NOTIFY="SELECT pg_notify('slicefs:public', '[[1,' || :ino || ']]')"
script create SERIALIZABLE "$NOTIFY"
script create-rc 'READ COMMITTED' "$NOTIFY"
script create-no-notify SERIALIZABLE 'SELECT 1'
script create-rc-no-notify 'READ COMMITTED' 'SELECT 1'
one empty 'SELECT 1'
one node "$NODE"; one edge "$EDGE"; one dir "$DIR"; one counter "$COUNTER"; one sustained "$SUSTAINED"; one notify "$NOTIFY"

echo "| transaction (pgbench, 1 client, ${SECS} s) | latency ms |"
echo "|---|---:|"
for s in empty node edge dir counter sustained notify create create-rc create-no-notify create-rc-no-notify; do
  PGOPTIONS="-c synchronous_commit=off" pgbench -h 127.0.0.1 -U postgres -n -T "$SECS" -c 1 -f "$WORK/$s.sql" "$DB" > "$WORK/out" 2>&1 || true
  ms=$(sed -n 's/^latency average = \([0-9.]*\) ms$/\1/p' "$WORK/out")
  if [ -z "$ms" ] || grep -q 'failed transactions: [1-9]' "$WORK/out"; then echo "pgbench failed on $s:" >&2; cat "$WORK/out" >&2; exit 1; fi
  echo "| $s | $ms |"
done
