'use strict';
// An S3 protocol server for tests and benchmarks, run as a child process by s3-test-server.ts
// (with --openssl-legacy-provider: s3rver encrypts continuation tokens with DES, so truncated
// listings fail with 500 without it). Usage: node s3rver-process.cjs DIRECTORY.
// Prints {"port":N} on stdout once listening on 127.0.0.1; exits when stdin closes.
const { rmSync } = require('node:fs');
const path = require('node:path');
const S3rver = require('s3rver');
const FilesystemStore = require('s3rver/lib/stores/filesystem');
const S3Object = require('s3rver/lib/models/object');
const { walk } = require('s3rver/lib/utils');

// s3rver lists keys in readdir order, which on ext4 is hash order, and stops at max-keys,
// so its pages skip and repeat keys. S3 lists in UTF-8 byte order; so does this replacement
// (delimiters are not supported: slicefs does not use them).
const SUFFIX = '._S3rver_object';
FilesystemStore.prototype.listObjects = async function listObjects(bucket, options) {
  const { prefix = '', startAfter = '', maxKeys = Infinity } = options;
  const root = this.getBucketPath(bucket);
  const under = path.posix.join(root, prefix);
  const keys = [];
  for (const file of walk(root, (dir) => dir.startsWith(under) || `${under}`.startsWith(`${dir}/`))) {
    if (!file.endsWith(SUFFIX)) continue;
    const key = file.slice(root.length + 1, -SUFFIX.length);
    if (key.startsWith(prefix) && key > startAfter) keys.push(key);
  }
  keys.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const page = keys.slice(0, maxKeys);
  const objects = [];
  for (const key of page) {
    const metadata = await this.getMetadata(bucket, key).catch((err) => (err.code === 'ENOENT' ? undefined : Promise.reject(err)));
    if (metadata) objects.push(new S3Object(bucket, key, null, metadata));
  }
  return { objects, commonPrefixes: [], isTruncated: keys.length > page.length };
};

const directory = process.argv[2];
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, vhostBuckets: false });
const stop = () => {
  rmSync(directory, { recursive: true, force: true });
  process.exit(0);
};
process.stdin.on('end', stop).on('close', stop).resume();
process.on('SIGTERM', stop);
server.run().then(
  (address) => process.stdout.write(`${JSON.stringify({ port: address.port })}\n`),
  (err) => {
    process.stderr.write(`s3rver: ${err.stack}\n`);
    process.exit(1);
  },
);
