import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CodedError } from '../errors/index.js';
import { openObjectStore } from './registry.js';
import { storeConformance } from './testing/store-conformance.js';
import { s3TestStore, testStores } from './testing/test-stores.js';

for (const s of testStores()) storeConformance(s);
storeConformance(s3TestStore('volumes/one'));

test('an unknown storage scheme names the supported ones', async () => {
  await assert.rejects(openObjectStore('ftp://x/y'), (e: unknown) => e instanceof CodedError && e.code === 'ERR_UNKNOWN_SCHEME' && /file:\/\//.test(e.message));
  await assert.rejects(openObjectStore('not a url'), (e: unknown) => e instanceof CodedError && e.code === 'ERR_BAD_URL');
});
