import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { randInt, seededRandom } from '../support/random.js';
import { syscallHelperBinary } from '../posix/syscall-helper.js';
import { writeData } from './operations.js';

/**
 * Appends through an O_APPEND descriptor while another process reads the same file in a loop
 * (each of its READs makes the mount commit its write buffer, so commits are often in flight
 * when an append arrives). After every append the size must be the sum of the appends; at the
 * end the content must be their concatenation. Returns what went wrong, if anything.
 */
export async function appendRace(options: { file: string; appends: number; seed: number }): Promise<string | undefined> {
  const rand = seededRandom(options.seed);
  const fd = fs.openSync(options.file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_APPEND, 0o644);
  const reader = spawn(syscallHelperBinary(), ['--read-loop', options.file, '600000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const expected = createHash('sha256');
  let size = 0;
  try {
    await readerStarted(reader);
    for (let i = 0; i < options.appends; i++) {
      const data = writeData({ length: 1 + randInt(rand, 20_000), data: options.seed * 100_000 + i + 1 });
      fs.writeSync(fd, data);
      expected.update(data);
      size += data.length;
      const seen = fs.fstatSync(fd).size;
      if (seen !== size) return `append #${i} (${data.length} bytes): the file is ${seen} bytes, the appends add up to ${size}`;
    }
    fs.fsyncSync(fd);
  } finally {
    reader.kill('SIGKILL');
    fs.closeSync(fd);
  }
  const actual = createHash('sha256').update(fs.readFileSync(options.file)).digest('hex');
  return actual === expected.digest('hex') ? undefined : `after ${options.appends} appends the content is not their concatenation`;
}

/** Resolves once the reader printed that its first read reached the mount; rejects if it exits first. */
function readerStarted(reader: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    reader.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('reading\n')) resolve();
    });
    reader.once('exit', (code, signal) => reject(new Error(`the reader exited (${signal ?? code}) before its first read`)));
    reader.once('error', reject);
  });
}
