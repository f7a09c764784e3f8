#!/usr/bin/env bash
# What the test suite needs beyond node_modules, in one place: `npm test` (scripts/test.mjs) runs
# this first, and so does CI through it. Idempotent; when everything is there it only checks
# (well under a second). Installs missing Debian packages (as root, with apt-get) and starts
# Redis and PostgreSQL on 127.0.0.1 when they are down; otherwise fails saying what is missing.
set -euo pipefail
say() { echo "test prerequisites: $*" >&2; }

# command -> Debian package
declare -A tools=([fusermount3]=fuse3 [setfattr]=attr [getfattr]=attr [cc]=gcc [setpriv]=util-linux [setcap]=libcap2-bin [litmus]=litmus [curl]=curl [openssl]=openssl)
missing=()
for tool in "${!tools[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${tools[$tool]}")
done
# The gateway tests run Debian's aws CLI (v2) by its path: another `aws` on PATH (pip's v1) is not it.
[ -x /usr/bin/aws ] || missing+=(awscli)
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  if [ "$(id -u)" -ne 0 ]; then
    say "missing packages ${missing[*]}, and not root to install them; run: sudo apt-get install ${missing[*]}"
    exit 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    say "missing packages ${missing[*]}, and no apt-get to install them; install them with this system's package manager"
    exit 1
  fi
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if ! up 6379; then
  say "starting Redis on 127.0.0.1:6379"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
fi
if ! up 5432; then
  say "starting PostgreSQL on 127.0.0.1:5432"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql 2>/dev/null | head -n1)" main start || true
fi
for _ in $(seq 1 100); do
  up 6379 && up 5432 && break
  sleep 0.1
done
up 6379 || { say "Redis is not reachable on 127.0.0.1:6379 (install redis-server, or start it as root)"; exit 1; }
up 5432 || { say "PostgreSQL is not reachable on 127.0.0.1:5432 (install postgresql, or start it as root)"; exit 1; }
[ -e /dev/fuse ] || { say "/dev/fuse is missing (load the fuse kernel module: modprobe fuse)"; exit 1; }
