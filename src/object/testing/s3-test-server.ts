import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A running S3 protocol server (s3rver) on 127.0.0.1, in a child process. */
export interface S3TestServer {
  /** `http://127.0.0.1:PORT`. */
  endpoint: string;
  /** Where it keeps buckets (one directory each). */
  directory: string;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 's3rver-process.cjs');

/**
 * Starts s3rver on a free loopback port in a child process started with
 * --openssl-legacy-provider (needed for truncated listings), which also keeps its CPU off the
 * caller's event loop. The child does not keep the caller alive, and it exits with it: it is
 * killed at the caller's exit and quits by itself when its stdin (our pipe) closes.
 */
export async function startS3TestServer(): Promise<S3TestServer> {
  const directory = mkdtempSync(path.join(tmpdir(), 'slicefs-s3rver-'));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', script, directory], { stdio: ['pipe', 'pipe', 'pipe'] });
  const kill = () => {
    child.kill('SIGKILL');
    rmSync(directory, { recursive: true, force: true });
  };
  process.once('exit', kill);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve((JSON.parse(line!) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code} before listening: ${stderr}`)));
    child.once('error', reject);
  });
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void }).unref?.();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    directory,
    async stop() {
      process.removeListener('exit', kill);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      await exited;
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
