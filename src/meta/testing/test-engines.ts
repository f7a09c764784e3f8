import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MemoryEngine } from '../engines/memory/memory-engine.js';

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

/** The engines every shared suite runs against; SLICEFS_TEST_ENGINES=sqlite3,mem narrows them. */
export function testEngines(): TestEngine[] {
  const all = [memory, sqlite];
  const only = process.env.SLICEFS_TEST_ENGINES?.split(',').map((s) => s.trim());
  return only ? all.filter((e) => only.includes(e.name)) : all;
}
