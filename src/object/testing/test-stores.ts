import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openObjectStore } from '../registry.js';
import { MemoryStore } from '../stores/memory/memory-store.js';
import { type S3TestServer, startS3TestServer } from './s3-test-server.js';

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

let server: Promise<S3TestServer> | undefined;

/** The process's s3rver, started on first use; it stops when the process exits. */
export function sharedS3Server(): Promise<S3TestServer> {
  return (server ??= startS3TestServer());
}

/** s3:// stores on the local s3rver: a fresh bucket per store, removed by cleanup; `prefix` narrows the URL. */
export function s3TestStore(prefix = ''): TestStore {
  return {
    name: prefix ? 's3 with prefix' : 's3',
    async newUrl() {
      const { endpoint } = await sharedS3Server();
      const url = `s3://S3RVER:S3RVER@test-${process.pid}-${++counter}/${prefix}?endpoint=${endpoint}&region=us-east-1`;
      const store = await openObjectStore(url);
      try {
        await store.createBucket!();
      } finally {
        await store.close();
      }
      return url;
    },
    async cleanup(url) {
      const { directory } = await sharedS3Server();
      rmSync(path.join(directory, new URL(url).hostname), { recursive: true, force: true });
    },
  };
}

/** The stores every store suite runs against. */
export function testStores(): TestStore[] {
  return [memoryTestStore, fileTestStore, s3TestStore()];
}
