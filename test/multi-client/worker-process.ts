import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { WorkerReply, WorkerRequest } from './protocol.js';
import { raceScale } from './scale.js';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const REPO = path.resolve(path.dirname(WORKER), '../..');

/** A request without its id (the process numbers them). */
type Request = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

/** An error an action threw in a worker, with its errno `code`. */
export class WorkerError extends Error {
  constructor(
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** One worker process (test/multi-client/worker.ts) and its request/reply line protocol. */
export class WorkerProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  private stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private alive = true;

  private constructor(
    readonly index: number,
    private readonly child: ChildProcess,
  ) {
    child.stderr!.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    createInterface({ input: child.stdout! }).on('line', (line) => this.onLine(line));
    this.exited = new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        this.alive = false;
        for (const [id, p] of this.pending) {
          clearTimeout(p.timer);
          p.reject(new Error(`worker ${index} exited (${signal ?? code}) before answering request ${id}: ${this.stderr}`));
        }
        this.pending.clear();
        resolve({ code, signal });
      }),
    );
  }

  /** Starts `node --import tsx worker.ts <index>`. */
  static start(index: number): WorkerProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, String(index)], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
    return new WorkerProcess(index, child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.alive;
  }

  private onLine(line: string): void {
    let r: WorkerReply;
    try {
      r = JSON.parse(line) as WorkerReply;
    } catch {
      this.stderr += `\n(stdout) ${line}`;
      return;
    }
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    clearTimeout(p.timer);
    if (r.ok) p.resolve(r.result);
    else p.reject(new WorkerError(r.error.code, `worker ${this.index}: ${r.error.stack ?? r.error.message}`));
  }

  /** Sends a request; a worker that does not answer within `timeoutMs` (longer for longer races) is killed. */
  request(req: Request, timeoutMs = 120_000 * Math.max(1, raceScale())): Promise<unknown> {
    if (!this.alive) return Promise.reject(new Error(`worker ${this.index} is not running: ${this.stderr}`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`worker ${this.index}: no answer to ${JSON.stringify(req).slice(0, 200)} within ${timeoutMs} ms: ${this.stderr}`));
        void this.kill('SIGKILL');
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.child.stdin!.write(`${JSON.stringify({ ...req, id })}\n`);
    });
  }

  /** Kills the process (by its pid) and waits for it to exit. */
  async kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.alive) this.child.kill(signal);
    return this.exited;
  }

  /** Ends the process by closing its stdin (it closes its volume); kills it after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.alive) return;
    this.child.stdin!.end();
    const timer = setTimeout(() => void this.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
