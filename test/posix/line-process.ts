import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * A long-lived child process spoken to one line at a time: each request line gets exactly one
 * reply line, in order. Starting a process per request is too slow on two loaded cores, so the
 * POSIX workers and the syscall helper stay up for a whole run.
 */
export class LineProcess {
  private readonly waiting: { resolve(line: string): void; reject(err: Error): void }[] = [];
  private stderr = '';
  private exitedWith: string | undefined;
  readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.stderr?.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    createInterface({ input: child.stdout! }).on('line', (line) => this.waiting.shift()?.resolve(line));
    this.exited = new Promise((resolve) =>
      child.on('close', (code, signal) => {
        this.exitedWith = `${name} exited (${signal ?? code}): ${this.stderr}`;
        for (const w of this.waiting.splice(0)) w.reject(new Error(this.exitedWith));
        resolve();
      }),
    );
    child.stdin!.on('error', () => {}); // a dead child is reported through `exited`
  }

  /** Starts `argv`; `name` is for messages. */
  static start(argv: readonly string[], { name, ...options }: SpawnOptions & { name: string }): LineProcess {
    const child = spawn(argv[0]!, argv.slice(1), { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
    live.add(child);
    child.on('close', () => live.delete(child));
    return new LineProcess(name, child);
  }

  /** Sends one line (it must not contain a newline) and resolves with the reply line. */
  request(line: string): Promise<string> {
    if (this.exitedWith) return Promise.reject(new Error(this.exitedWith));
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.child.stdin!.write(`${line}\n`);
    });
  }

  /** Closes stdin and waits for the process to end (SIGKILL after `ms`). */
  async close(ms = 5000): Promise<void> {
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), ms);
    await this.exited;
    clearTimeout(timer);
  }
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});
