import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The worker's program: its own connection to the volume's database, running a PASSIVE
 * checkpoint (copies committed WAL frames into the database file, never waits for a lock) each
 * time it is asked, and answering when done. Plain JavaScript, so the same text runs from dist/
 * and from source; it loads the driver by the absolute path this module resolved.
 */
const WORKER_PROGRAM = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const running = new Int32Array(workerData.running);
let db;
try {
  db = new Database(workerData.file, { fileMustExist: true });
  db.pragma('busy_timeout = 0');
} catch (err) {
  // Errors thrown out of a worker lose their message on the way: report it as a reply.
  parentPort.postMessage({ error: 'cannot open ' + workerData.file + ': ' + err.message, fatal: true });
  parentPort.close();
}
if (db) parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  let error;
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    error = err.message;
  }
  Atomics.store(running, 0, 0);
  parentPort.postMessage({ error });
});
`;
const DRIVER = createRequire(import.meta.url).resolve('better-sqlite3');

const walBytes = (file: string) => statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;

/** WAL size at which the worker starts, by default (where SQLite's own default would checkpoint). */
const START_AT_BYTES = 4 * 1024 * 1024;
/** Least time between the starts of two background checkpoints. */
const MIN_INTERVAL_MS = 100;

/**
 * Moves WAL checkpoints off the event loop. By default SQLite checkpoints inside the COMMIT that
 * fills the WAL past 1,000 pages, copying those pages into the database file and fsyncing both
 * files on the thread that committed. Here a worker thread with its own connection runs PASSIVE
 * checkpoints (which never block the writer or readers) after commits, at most one at a time and
 * one per MIN_INTERVAL_MS, on another core, once the WAL has grown past `startAt`. The writer
 * keeps a far larger automatic threshold as a backstop, so the WAL stays bounded if the worker
 * falls behind or cannot start.
 *
 * The worker says it has finished in shared memory (`running`), not only by a message: a message
 * is delivered when the event loop turns, and a program that awaits one write after another on
 * SQLite (whose driver answers synchronously: SDK `writeFile` in a loop) may never let it turn.
 * Waiting for the reply, the worker checkpointed once and never again in such a loop: the WAL
 * grew to the backstop each time, and the writer checkpointed all of it in its own commits
 * after all (docs/benchmarks.md, "The checkpoint worker heard in a busy loop").
 */
export class Checkpointer {
  /** Pages the WAL may hold before the writer checkpoints in its own commit after all. */
  static readonly BACKSTOP_PAGES = 16_384;
  private worker?: Worker;
  private exited?: Promise<unknown>;
  /** 1 from asking for a checkpoint until the worker has finished it (set here, cleared by the worker). */
  private readonly running = new Int32Array(new SharedArrayBuffer(4));
  /** Checkpoints asked for whose reply has not been received yet. */
  private unanswered = 0;
  /** Settles when every checkpoint asked for has answered (or the worker failed). */
  private answered: Promise<void> = Promise.resolve();
  private answer: () => void = () => undefined;
  /** When the last checkpoint was asked for. */
  private last = 0;
  private closed = false;
  /** Checkpoints the worker has run (for tests). */
  checkpoints = 0;
  /** Why the worker stopped working, if it did (then commits fall back to the backstop). */
  failure?: string;

  /**
   * `startAt`: WAL bytes before the worker starts. SQLite's default would checkpoint at about 4 MiB
   * too, so a process that writes little (a CLI command, a short test) never pays for a thread.
   * `minIntervalMs`: least time between two checkpoints (default 100 ms).
   * `onFailure`: called once if the worker stops working, so the writer can checkpoint again.
   */
  constructor(
    private readonly file: string,
    private readonly options: { startAt?: number; minIntervalMs?: number; onFailure?: (why: string) => void } = {},
  ) {}

  private fail(why: string): void {
    if (this.failure) return;
    this.failure = why;
    if (!this.closed) this.options.onFailure?.(why); // after close, the owner's connection is gone
  }

  /** After a commit: asks the worker for a checkpoint unless one is running or began just now; true when it asked. */
  poke(): boolean {
    if (this.closed || this.failure || Atomics.load(this.running, 0) !== 0) return false;
    const now = Date.now();
    if (now - this.last < (this.options.minIntervalMs ?? MIN_INTERVAL_MS)) return false;
    if (!this.worker && walBytes(this.file) < (this.options.startAt ?? START_AT_BYTES)) return false;
    Atomics.store(this.running, 0, 1);
    this.last = now;
    if (this.unanswered++ === 0) this.answered = new Promise((resolve) => (this.answer = resolve));
    this.start().postMessage('checkpoint');
    return true;
  }

  /** Resolves once the worker has answered every checkpoint asked for (a handshake for tests and close). */
  async idle(): Promise<void> {
    if (this.unanswered === 0 || !this.worker) return this.answered;
    const worker = this.worker;
    worker.ref(); // an unref'd worker would let the process exit while we wait for its answer
    try {
      await this.answered;
    } finally {
      if (!this.closed) worker.unref();
    }
  }

  /** A reply came (`all`: the worker is gone, no other will). */
  private done(all = false): void {
    this.unanswered = all ? 0 : Math.max(0, this.unanswered - 1);
    if (this.unanswered === 0) this.answer();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_PROGRAM, { eval: true, workerData: { file: this.file, driver: DRIVER, running: this.running.buffer } });
    this.exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.on('message', (reply: { error?: string; fatal?: boolean }) => {
      if (!reply.fatal) this.checkpoints++;
      // SQLITE_BUSY only means another connection is checkpointing; anything else stops the worker.
      if (reply.error && (reply.fatal || !/busy|locked/i.test(reply.error))) this.fail(reply.error);
      this.done();
    });
    worker.on('error', (err: unknown) => {
      this.fail((err as Error | undefined)?.message ?? `checkpoint worker failed: ${String(err)}`);
      this.done(true);
    });
    worker.unref(); // after the listeners: adding a 'message' listener refs the worker again
    return (this.worker = worker);
  }

  /** Stops the worker, letting a running checkpoint finish first. */
  async close(): Promise<void> {
    this.closed = true;
    if (!this.worker) return;
    this.worker.ref(); // waiting for its exit must keep the process alive
    this.worker.postMessage('close');
    await this.exited;
  }
}
