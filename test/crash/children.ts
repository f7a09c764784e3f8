import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const REPO = path.resolve(import.meta.dirname, '../..');
const live = new Set<ChildProcess>();

/** A process a crash test started: its JSON stdout lines, its stderr, and how it ended. */
export interface Child {
  proc: ChildProcess;
  /** Every JSON line it printed so far, in order. */
  events: Array<Record<string, unknown>>;
  stderr(): string;
  /** Resolves when it has ended (code, or the signal that ended it). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once `test` holds for the events printed so far; rejects if the process ends first or after `timeoutMs`. */
  until(what: string, test: (events: Array<Record<string, unknown>>) => boolean, timeoutMs?: number): Promise<void>;
  /** SIGKILL (if still running) and wait for the end. */
  kill(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts a process whose stdout is one JSON object per line (non-JSON lines are kept as
 * `{ line }`). Every process started here is killed when the test process exits.
 */
export function startChild(command: string, args: string[], options: SpawnOptions = {}): Child {
  const proc = spawn(command, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], ...options });
  live.add(proc);
  const events: Array<Record<string, unknown>> = [];
  let err = '';
  let ended = false;
  const waiters = new Set<() => void>();
  proc.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-8000)));
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    try {
      events.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      events.push({ line });
    }
    for (const w of waiters) w();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('close', (code, signal) => {
      ended = true;
      live.delete(proc);
      for (const w of waiters) w();
      resolve({ code, signal });
    }),
  );
  const child: Child = {
    proc,
    events,
    stderr: () => err,
    exited,
    until: (what, test, timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`timed out waiting for ${what}: ${JSON.stringify(events.slice(-5))} ${err}`)), timeoutMs);
        const check = () => {
          if (test(events)) done();
          else if (ended) done(new Error(`${command} ended before ${what}: ${JSON.stringify(events.slice(-5))} ${err}`));
        };
        const done = (e?: Error) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (e) reject(e);
          else resolve();
        };
        waiters.add(check);
        check();
      }),
    kill: async () => {
      if (!ended) proc.kill('SIGKILL');
      return exited;
    },
  };
  return child;
}

/** A TypeScript program of the crash tests run by node with tsx: `node --import tsx test/crash/<file> <json>`. */
export function startScript(file: string, args: unknown): Child {
  return startChild(process.execPath, ['--import', 'tsx', path.join(REPO, 'test/crash', file), JSON.stringify(args)]);
}

/** Kills every process started here that still runs. */
export async function killChildren(): Promise<void> {
  await Promise.all([...live].map((p) => new Promise<void>((resolve) => {
    p.once('close', () => resolve());
    p.kill('SIGKILL');
  })));
}

process.on('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});
