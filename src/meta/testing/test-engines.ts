import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { MemoryEngine } from '../engines/memory/memory-engine.js';
import { deleteTestPrefix, onRedisTestServer, REDIS_TEST_SERVER } from '../engines/redis/test-server.js';

/** An engine the shared suites run against: fresh, empty volumes on demand. */
export interface TestEngine {
  /** Scheme name shown in test titles. */
  name: string;
  /** A URL of a new, unformatted volume. */
  newUrl(): Promise<string>;
  /** Removes what `newUrl` made. */
  cleanup(url: string): Promise<void>;
}

let counter = 0;

const memory: TestEngine = {
  name: 'mem',
  async newUrl() {
    return `mem://test-${process.pid}-${++counter}`;
  },
  async cleanup(url) {
    MemoryEngine.reset(url);
  },
};

const sqlite: TestEngine = {
  name: 'sqlite3',
  async newUrl() {
    const dir = mkdtempSync(path.join(tmpdir(), 'slicefs-meta-'));
    return `sqlite3://${dir}/volume.db`;
  },
  async cleanup(url) {
    rmSync(path.dirname(url.slice('sqlite3://'.length)), { recursive: true, force: true });
  },
};

/** The PostgreSQL server tests use (a superuser; trust auth on CI). */
const PG_SERVER = process.env.SLICEFS_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432';

/** Runs statements on the server's maintenance database; an unreachable server fails loudly, never skips. */
async function onPostgresServer(statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: `${PG_SERVER}/postgres`, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL test server ${PG_SERVER} is not reachable (${(err as Error).message}); start it with ` +
        `'pg_ctlcluster --skip-systemctl-redirect 15 main start' or point SLICEFS_TEST_POSTGRES at one`,
      { cause: err },
    );
  }
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}

const postgres: TestEngine = {
  name: 'postgres',
  async newUrl() {
    const db = `slicefs_test_${process.pid}_${++counter}`;
    // A test database does not wait for its WAL to reach the disk at commit (synchronous_commit
    // off): what every client sees, and serializable isolation, stay the same; only a crash of the
    // PostgreSQL server itself could lose the last commits, and no test crashes it (the test Redis
    // keeps nothing on disk either). Commits take about half the time on this VM's disk.
    await onPostgresServer([`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`, `CREATE DATABASE ${db}`, `ALTER DATABASE ${db} SET synchronous_commit = off`]);
    return `${PG_SERVER}/${db}`;
  },
  async cleanup(url) {
    const db = new URL(url).pathname.slice(1);
    if (!/^slicefs_test_\d+_\d+$/.test(db)) throw new Error(`refusing to drop ${db}: not a test database`);
    await onPostgresServer([`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`]);
  },
};

const redis: TestEngine = {
  name: 'redis',
  async newUrl() {
    await onRedisTestServer((conn) => conn.sendCommand(['PING']));
    const prefix = `slicefs-test-${process.pid}-${++counter}:`;
    return `${REDIS_TEST_SERVER}?prefix=${encodeURIComponent(prefix)}`;
  },
  async cleanup(url) {
    await deleteTestPrefix(new URL(url).searchParams.get('prefix') ?? '');
  },
};

/** Every engine tests (and bench/meta.ts) know how to make fresh volumes for. */
export const TEST_ENGINES: readonly TestEngine[] = [memory, sqlite, postgres, redis];

/** The engines every shared suite runs against; SLICEFS_TEST_ENGINES=sqlite3,mem narrows them. */
export function testEngines(): TestEngine[] {
  const all = [...TEST_ENGINES];
  const only = process.env.SLICEFS_TEST_ENGINES?.split(',').map((s) => s.trim());
  return only ? all.filter((e) => only.includes(e.name)) : all;
}
