// A client process of the multi-client tests: opens the volume it is told to and runs the
// scenarios' actions, one JSON request per stdin line, one JSON reply per stdout line.
// Run: node --import tsx test/multi-client/worker.ts <index>
import { createInterface } from 'node:readline';
import { VolumeMeta } from '../../src/meta/volume-meta.js';
import { Volume } from '../../src/sdk/index.js';
import type { WorkerReply, WorkerRequest } from './protocol.js';
import type { Action, WorkerSide } from './scenario.js';
import { SCENARIOS } from './scenarios/index.js';

const actions = new Map<string, Action>();
for (const s of SCENARIOS) for (const [name, fn] of Object.entries(s.actions)) actions.set(`${s.name}.${name}`, fn);

let volume: Volume | undefined;
let meta: VolumeMeta | undefined;
const side: WorkerSide = {
  index: Number(process.argv[2] ?? 0),
  volume: () => volume ?? fail('this worker has no volume open'),
  meta: () => meta ?? fail('this worker has no volume open'),
  state: new Map(),
};

function fail(message: string): never {
  throw new Error(message);
}

async function close(): Promise<void> {
  side.state.clear();
  const [v, m] = [volume, meta];
  volume = meta = undefined;
  if (v) await v.close();
  else await m?.close();
}

async function perform(req: WorkerRequest): Promise<unknown> {
  switch (req.op) {
    case 'open':
      await close();
      if (req.sessionTtlMs !== undefined) {
        // Volume.open takes no session TTL: the short-lived session needs the metadata client itself.
        meta = await VolumeMeta.open(req.metaUrl, { program: `multi-client-${side.index}`, sessionTtlMs: req.sessionTtlMs });
      } else {
        volume = await Volume.open(req.metaUrl, { program: `multi-client-${side.index}` });
        meta = volume.meta;
      }
      return { session: meta.session, pid: process.pid };
    case 'close':
      await close();
      return null;
    case 'action': {
      const fn = actions.get(req.name) ?? fail(`no action ${req.name}`);
      return fn(side, req.args as never);
    }
  }
}

function reply(r: WorkerReply): void {
  process.stdout.write(`${JSON.stringify(r)}\n`);
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const req = JSON.parse(line) as WorkerRequest;
  perform(req).then(
    (result) => reply({ id: req.id, ok: true, result: result ?? null }),
    (err: unknown) => {
      const e = err as { code?: string; message?: string; stack?: string };
      reply({ id: req.id, ok: false, error: { code: e.code, message: String(e.message ?? err), stack: e.stack } });
    },
  );
});
// The test closing our stdin is the signal to end.
lines.on('close', () => void close().finally(() => process.exit(0)));
