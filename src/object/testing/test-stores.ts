import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MemoryStore } from '../stores/memory/memory-store.js';

/** A store the conformance suite runs against: fresh, empty stores on demand. */
export interface TestStore {
  name: string;
  newUrl(): Promise<string>;
  cleanup(url: string): Promise<void>;
}

let counter = 0;

export const memoryTestStore: TestStore = {
  name: 'mem',
  async newUrl() {
    return `mem://store-${process.pid}-${++counter}`;
  },
  async cleanup(url) {
    MemoryStore.reset(url);
  },
};

export const fileTestStore: TestStore = {
  name: 'file',
  async newUrl() {
    return `file://${mkdtempSync(path.join(tmpdir(), 'slicefs-store-'))}/`;
  },
  async cleanup(url) {
    rmSync(url.slice('file://'.length), { recursive: true, force: true });
  },
};

/** The stores every store suite runs against. */
export function testStores(): TestStore[] {
  return [memoryTestStore, fileTestStore];
}
