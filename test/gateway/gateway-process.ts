import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { CREDENTIALS } from './gateway-harness.js';

const BIN = path.resolve('bin/slicefs.js');

/** A `slicefs gateway` process, its stderr so far, and a way to wait for a line of it. */
export interface GatewayProcess {
  child: ChildProcess;
  endpoint: string;
  stderr(): string;
  /** Resolves once stderr has a match of `pattern` (after what was seen when called, if `fresh`). */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

/** Starts `slicefs gateway META 127.0.0.1:0 ARGS` (secret key from the environment) and waits until it listens. */
export async function startGatewayProcess(metaUrl: string, args: string[] = []): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [BIN, 'gateway', metaUrl, '127.0.0.1:0', '--access-key', CREDENTIALS.accessKey, ...args], {
    env: { ...process.env, SLICEFS_SECRET_KEY: CREDENTIALS.secretKey },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let text = '';
  const waiters: Array<() => void> = [];
  child.stderr!.on('data', (c: Buffer) => {
    text += c.toString();
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    for (const w of waiters.splice(0)) w();
    resolve(code);
  }));
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const m = text.match(pattern);
        if (m) return resolve(m);
        if (child.exitCode !== null) return reject(new Error(`gateway exited (${child.exitCode}) before ${pattern}: ${text}`));
        waiters.push(check);
      };
      check();
    });
  const ready = await waitFor(/gateway for volume \S+ at (https?:\/\/127\.0\.0\.1:\d+)/);
  return { child, endpoint: ready[1]!, stderr: () => text, waitFor, exited };
}
