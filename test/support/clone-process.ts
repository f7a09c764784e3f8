import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Volume } from '../../src/sdk/index.js';

const BIN = path.resolve('bin/slicefs.js');

/** A `slicefs clone` process run with --progress: resolves `firstProgress` at its first progress line. */
export interface RunningClone {
  child: ReturnType<typeof spawn>;
  /** The clone is under way: the CLI printed its first progress line (the handshake before a kill). */
  firstProgress: Promise<void>;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string }>;
}

/** Starts the CLI without waiting (as `uid`, with its own gid and no supplementary groups, when given). */
export function startClone(args: string[], options: { uid?: number } = {}): RunningClone {
  const ids = options.uid === undefined ? {} : { uid: options.uid, gid: options.uid };
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...ids });
  let err = '';
  let started!: () => void;
  const firstProgress = new Promise<void>((resolve) => (started = resolve));
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    if (/^cloning: \d+\/\d+ entries$/m.test(err)) started();
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, err })),
  );
  // A CLI that ends without a progress line fails the handshake instead of hanging the test
  // (a rejection only for those who wait for the handshake).
  const handshake = Promise.race([
    firstProgress,
    done.then((r) => (/^cloning: /m.test(r.err) ? undefined : Promise.reject(new Error(`the clone ended before any progress (${r.code ?? r.signal}): ${r.err}`)))),
  ]);
  handshake.catch(() => undefined);
  return { child, firstProgress: handshake, done };
}

/** Waits until the volume holds no detached tree (a cancelled clone's tree is removed by the mount after the CLI is gone). */
export async function waitForDetachedGone(vol: Volume, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await vol.meta.engine.listDetached()).length) {
    if (Date.now() > deadline) throw new Error('detached trees remain');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
