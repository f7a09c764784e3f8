// One POSIX worker process, running as the user its parent started it as:
// `node --import tsx test/posix/worker.ts HELPER_BINARY`. One JSON request per stdin line
// ({cwd, argv, owner}), one JSON reply per stdout line, in order.
import { createInterface } from 'node:readline';
import { operations } from './operations.js';
import type { WorkerReply, WorkerRequest } from './protocol.js';
import { SyscallHelper } from './syscall-helper.js';

process.umask(0o022);
const helper = SyscallHelper.start(process.argv[2]);

async function serve(request: WorkerRequest): Promise<WorkerReply> {
  const [name, ...args] = request.argv;
  const operation = operations[name ?? ''];
  if (!operation) return { ok: false, error: `unknown operation ${name}` };
  try {
    const value = await operation(args, { cwd: request.cwd, owner: request.owner, helper });
    return { ok: true, value: value ?? null };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) return { ok: false, errno: code };
    return { ok: false, error: String((err as Error).stack ?? err) };
  }
}

// Requests are served strictly one after another, so a case's steps keep their order.
let queue = Promise.resolve();
createInterface({ input: process.stdin })
  .on('line', (line) => {
    queue = queue.then(async () => {
      process.stdout.write(`${JSON.stringify(await serve(JSON.parse(line) as WorkerRequest))}\n`);
    });
  })
  .on('close', () => void queue.then(() => helper.close()));
