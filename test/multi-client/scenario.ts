import type { VolumeMeta } from '../../src/meta/volume-meta.js';
import type { TestEngine } from '../../src/meta/testing/test-engines.js';
import type { Volume } from '../../src/sdk/index.js';
import type { EngineVolume } from '../support/engine-volume.js';

/** What an action sees inside a worker process. */
export interface WorkerSide {
  /** The worker's number among the scenario's clients (names, seeds). */
  index: number;
  /** The volume this process opened; throws when it opened only the metadata. */
  volume(): Volume;
  /** The metadata client (the volume's, or the only one when opened with a session TTL). */
  meta(): VolumeMeta;
  /** State an action leaves for a later one (an open handle). */
  state: Map<string, unknown>;
}

/** One step a worker process performs; arguments and result travel as JSON. */
export type Action = (w: WorkerSide, args: never) => Promise<unknown>;
export type Actions = Record<string, Action>;

/** An action's arguments after the worker side: none, or one JSON value. */
type ArgsOf<F extends Action> = Parameters<F>[1] extends undefined ? [] : [Parameters<F>[1]];

/** A client process as the test drives it. */
export interface Client<A extends Actions> {
  index: number;
  /** Runs an action of the scenario in this process. */
  run<K extends keyof A & string>(action: K, ...args: ArgsOf<A[K]>): Promise<Awaited<ReturnType<A[K]>>>;
}

/** A client process of its own, which the scenario may kill. */
export interface OwnClient<A extends Actions> extends Client<A> {
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** What a scenario runs with: a fresh volume, the test's own client of it, and client processes. */
export interface ScenarioContext<A extends Actions> extends EngineVolume {
  engine: TestEngine;
  /** `Scenario.clients` processes, each with the volume open. */
  clients: Client<A>[];
  /** Starts one more process (killed at the end) with the metadata open and a short session TTL. */
  spawnClient(options: { sessionTtlMs: number }): Promise<OwnClient<A>>;
  /** SLICEFS_RACE_SCALE. */
  scale: number;
}

/** A race between client processes: the worker half (`actions`) and the test half (`run`). */
export interface Scenario<A extends Actions = Actions> {
  /** Prefix of the actions' names in the worker. */
  name: string;
  title: string;
  /** How many pooled client processes it races. */
  clients: number;
  actions: A;
  run(ctx: ScenarioContext<A>): Promise<void>;
}

/** Types a scenario's actions and `run` together. */
export const defineScenario = <A extends Actions>(s: Scenario<A>): Scenario<A> => s;
