import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
export const TEST_ENGINES: readonly TestEngine[] = [memory, sqlite, redis];

/** The engines every shared suite runs against; SLICEFS_TEST_ENGINES=sqlite3,mem narrows them. */
export function testEngines(): TestEngine[] {
  const all = [...TEST_ENGINES];
  const only = process.env.SLICEFS_TEST_ENGINES?.split(',').map((s) => s.trim());
  return only ? all.filter((e) => only.includes(e.name)) : all;
}
