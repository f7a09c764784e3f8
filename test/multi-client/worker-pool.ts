import type { TestEngine } from '../../src/meta/testing/test-engines.js';
import { withEngineVolume } from '../support/engine-volume.js';
import { raceScale } from './scale.js';
import type { Actions, Client, OwnClient, Scenario } from './scenario.js';
import { WorkerProcess } from './worker-process.js';

function asClient<A extends Actions>(scenario: Scenario<A>, w: WorkerProcess, index: number): Client<A> {
  return {
    index,
    run: (action, ...args) => w.request({ op: 'action', name: `${scenario.name}.${action}`, args: args[0] ?? null }) as never,
  };
}

/**
 * Client processes kept across scenarios (starting one costs about a second): each scenario
 * opens its fresh volume in them, and closes it after.
 */
export class WorkerPool {
  private readonly workers: WorkerProcess[] = [];

  constructor(size: number) {
    for (let i = 0; i < size; i++) this.workers.push(WorkerProcess.start(i));
  }

  /** Runs a scenario on a fresh volume of `engine`, with its clients open on it; closes everything after. */
  async run<A extends Actions>(engine: TestEngine, scenario: Scenario<A>): Promise<void> {
    if (scenario.clients > this.workers.length) throw new Error(`${scenario.title}: needs ${scenario.clients} clients, the pool has ${this.workers.length}`);
    await withEngineVolume(engine, async (v) => {
      const own: WorkerProcess[] = [];
      const used = this.workers.slice(0, scenario.clients).map((w, i) => (w.running ? w : (this.workers[i] = WorkerProcess.start(i))));
      try {
        await Promise.all(used.map((w) => w.request({ op: 'open', metaUrl: v.metaUrl })));
        await scenario.run({
          ...v,
          engine,
          scale: raceScale(),
          clients: used.map((w, i) => asClient(scenario, w, i)),
          spawnClient: async ({ sessionTtlMs }): Promise<OwnClient<A>> => {
            const w = WorkerProcess.start(100 + own.length);
            own.push(w);
            await w.request({ op: 'open', metaUrl: v.metaUrl, sessionTtlMs });
            return { ...asClient(scenario, w, w.index), kill: (signal) => w.kill(signal) };
          },
        });
      } finally {
        await Promise.all(own.map((w) => w.kill('SIGKILL')));
        // A worker that cannot close its volume is replaced by the next scenario.
        await Promise.all(used.map((w) => w.request({ op: 'close' }, 30_000).catch(() => w.kill('SIGKILL'))));
      }
    });
  }

  /** Ends every worker. */
  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()));
  }
}
