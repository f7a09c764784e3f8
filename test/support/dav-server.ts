import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Caller } from '../../src/meta/types.js';
import type { TestEngine } from '../../src/meta/testing/test-engines.js';
import { DavServer, type DavServerOptions } from '../../src/webdav/server.js';
import { type EngineVolume, withEngineVolume } from './engine-volume.js';

/** A WebDAV server on an ephemeral port over a fresh volume. */
export interface DavHarness extends EngineVolume {
  server: DavServer;
  /** http://127.0.0.1:PORT */
  base: string;
  /** Access log lines so far. */
  log: string[];
}

/** Runs `fn` with a WebDAV server over a new volume of `engine`; stops the server (requests finished) and removes it all. */
export async function withDavServer(
  engine: TestEngine,
  fn: (h: DavHarness) => Promise<void>,
  options: { caller?: Caller; credentials?: DavServerOptions['credentials']; onLog?: (line: string) => void } = {},
): Promise<void> {
  await withEngineVolume(engine, async (v) => {
    const log: string[] = [];
    const server = await DavServer.listen({
      vfs: v.vol.vfs,
      meta: v.vol.meta,
      caller: options.caller ?? v.vol.caller,
      host: '127.0.0.1',
      port: 0,
      credentials: options.credentials,
      accessLog: (line) => {
        log.push(line);
        options.onLog?.(line);
      },
      errorLog: (line) => log.push(`ERROR ${line}`),
    });
    try {
      await fn({ ...v, server, base: `http://127.0.0.1:${server.address().port}`, log });
    } finally {
      await server.close();
    }
  });
}

const run = promisify(execFile);

/** Runs curl (never blocking the event loop the in-process server needs); returns status code and body. */
export async function curl(args: string[]): Promise<{ status: number; body: string }> {
  const { stdout } = await run('curl', ['-s', '-S', '--max-time', '60', '-w', '\n%{http_code}', ...args], { maxBuffer: 64 << 20, encoding: 'utf8' });
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

/** Objects (block files) in a file:// store directory. */
export function countObjects(storageDir: string): number {
  let n = 0;
  for (const e of readdirSync(storageDir, { withFileTypes: true, recursive: true })) if (e.isFile() && !e.parentPath.includes('.tmp')) n++;
  return n;
}
