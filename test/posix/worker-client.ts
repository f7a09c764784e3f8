import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineProcess } from './line-process.js';
import type { WorkerReply, WorkerRequest } from './protocol.js';
import { USERS, type Actor } from './users.js';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const REPO = path.resolve(path.dirname(WORKER), '../..');

/** The parent's end of one worker process (worker.ts), running as `actor`. */
export class WorkerClient {
  private constructor(private readonly process: LineProcess) {}

  static start(actor: Actor, helperBinary: string): WorkerClient {
    const { uid, gid } = USERS[actor];
    const proc = LineProcess.start([process.execPath, '--import', 'tsx', WORKER, helperBinary], {
      name: `posix worker (${actor})`,
      cwd: REPO,
      uid,
      gid,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/' },
    });
    return new WorkerClient(proc);
  }

  async run(request: WorkerRequest): Promise<WorkerReply> {
    return JSON.parse(await this.process.request(JSON.stringify(request))) as WorkerReply;
  }

  close(): Promise<void> {
    return this.process.close();
  }
}
