// The everyday workloads of bench:workloads (issue 13): each one a shell command (or SDK loop)
// timed in its own directory of a target. Some need a tree or a clone made before them; when
// the workload that makes it was not selected, it is made untimed.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Volume } from '../../src/sdk/index.js';
import type { Target } from './targets.js';

/** What the workloads work on, and how much. */
export interface BenchContext {
  /** A tar of a real tree (the project's node_modules): `node_modules/…` inside. */
  tarball: string;
  /** The same tree unpacked on the local disk: what `cp -r` copies in. */
  localTree: string;
  /** A git repository to clone (the project itself). */
  repo: string;
  /** Files of the echo loop; of each of the 4 parallel writers; of the SDK workload. */
  echoFiles: number;
  parallelFiles: number;
  sdkFiles: number;
}

/** What earlier workloads left on a target. */
export interface TargetState {
  tree?: string;
  clone?: string;
}

export interface Workload {
  name: string;
  /** What is measured, for the table. */
  label(ctx: BenchContext): string;
  /** Untimed preparation. */
  prepare?(t: Target, ctx: BenchContext, state: TargetState): Promise<void>;
  /** The timed part. */
  run(t: Target, ctx: BenchContext, state: TargetState): Promise<void>;
  /** Goes through FUSE (its request count is shown). */
  fuse: boolean;
  /** Runs on the fresh mount, before the warm-up (`warmUp`). */
  cold?: boolean;
}

/** Runs a shell command in `cwd`; its output is dropped, its errors shown. */
function sh(command: string, cwd: string): void {
  execFileSync('sh', ['-c', command], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
}

const sub = (t: Target, name: string) => {
  const dir = path.join(t.dir, name);
  mkdirSync(dir, { recursive: true });
  return dir;
};

/** Resolves once the wall clock has entered a later second than the one it was called in. */
async function secondBoundary(): Promise<void> {
  const second = Math.floor(Date.now() / 1000);
  while (Math.floor(Date.now() / 1000) === second) await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000)));
}

async function ensureTree(t: Target, ctx: BenchContext, state: TargetState): Promise<string> {
  if (!state.tree) {
    const dir = sub(t, 'untar');
    sh(`tar -xf ${ctx.tarball}`, dir);
    state.tree = path.join(dir, 'node_modules');
  }
  return state.tree;
}

const onTree = (name: string, command: string): Workload => ({
  name,
  fuse: true,
  label: () => `\`${command}\` in the untarred tree`,
  prepare: async (t, ctx, state) => void (await ensureTree(t, ctx, state)),
  run: async (t, _ctx, state) => sh(command, state.tree!),
});

const echoLoop = (files: number) => `for i in $(seq ${files}); do echo hello > f$i; done`;

/**
 * Untimed, on every target before the workloads that are not `cold`: a mount is a long-lived
 * process, and for its first few thousand requests Node runs the request path as unoptimized
 * JavaScript (the echo loop takes about twice as long in a fresh mount's first seconds as from
 * its third thousand files on; `echo-cold` shows it). This makes the requests every workload
 * needs — creates, small writes, lookups, mkdir, chmod, utimes, listings, stats, reads, unlinks
 * and rmdirs — a few thousand times first, then removes what it made.
 */
export function warmUp(t: Target): void {
  const dir = sub(t, 'warm-up');
  sh(echoLoop(2000), dir);
  sh('for d in $(seq 300); do mkdir d$d && echo x > d$d/f && chmod 600 d$d/f && touch -d @1 d$d/f && ln -s f d$d/l; done', dir);
  sh('ls -lR > /dev/null && du -s > /dev/null && find . -type f -print0 | xargs -0 stat > /dev/null && cat d*/f > /dev/null', dir);
  sh('rm -rf warm-up', t.dir);
}

/** Every workload, in the order they run. */
export const WORKLOADS: readonly Workload[] = [
  {
    name: 'echo-cold',
    fuse: true,
    cold: true,
    label: (ctx) => `the echo loop (${ctx.echoFiles} files) first thing on a fresh mount, before the warm-up`,
    prepare: async (t) => void sub(t, 'echo-cold'),
    run: async (t, ctx) => sh(echoLoop(ctx.echoFiles), path.join(t.dir, 'echo-cold')),
  },
  {
    name: 'echo',
    fuse: true,
    label: (ctx) => `\`${echoLoop(ctx.echoFiles)}\``,
    prepare: async (t) => void sub(t, 'echo'),
    run: async (t, ctx) => sh(echoLoop(ctx.echoFiles), path.join(t.dir, 'echo')),
  },
  {
    name: 'untar',
    fuse: true,
    label: () => 'untar of the node_modules tree',
    prepare: async (t) => void sub(t, 'untar'),
    run: async (t, ctx, state) => {
      sh(`tar -xf ${ctx.tarball}`, path.join(t.dir, 'untar'));
      state.tree = path.join(t.dir, 'untar', 'node_modules');
    },
  },
  onTree('find-stat', 'find . -type f -print0 | xargs -0 stat > /dev/null'),
  onTree('ls-lR', 'ls -lR > /dev/null'),
  onTree('du', 'du -s > /dev/null'),
  {
    name: 'rm',
    fuse: true,
    label: () => '`rm -rf` of the untarred tree',
    prepare: async (t, ctx, state) => void (await ensureTree(t, ctx, state)),
    run: async (t, _ctx, state) => {
      sh('rm -rf untar', t.dir);
      state.tree = undefined;
    },
  },
  {
    name: 'git-clone',
    fuse: true,
    label: () => '`git clone --no-hardlinks` of the project repository',
    run: async (t, ctx, state) => {
      sh(`git clone -q --no-hardlinks ${ctx.repo} clone`, t.dir);
      state.clone = path.join(t.dir, 'clone');
    },
  },
  {
    name: 'git-status',
    fuse: true,
    label: () => '`git status` in the clone (racy index entries settled first)',
    prepare: async (t, ctx, state) => {
      if (!state.clone) {
        sh(`git clone -q --no-hardlinks ${ctx.repo} clone`, t.dir);
        state.clone = path.join(t.dir, 'clone');
      }
      // Files written in the same second as the index are "racy": git reads them again on every
      // status until it rewrites the index in a later second. How many there are after a clone
      // depends on where the second boundary fell (17 to 608 READs on the same mount), so the
      // timed status would measure chance. An untimed status in the next second settles them; the
      // timed one is then every day's `git status` (an lstat per file, a listing per directory).
      await secondBoundary();
      sh('git status --porcelain > /dev/null', state.clone);
    },
    run: async (_t, _ctx, state) => sh('git status --porcelain > /dev/null', state.clone!),
  },
  {
    name: 'cp-r',
    fuse: true,
    label: () => '`cp -r` of the node_modules tree from the local disk',
    run: async (t, ctx) => sh(`cp -r ${ctx.localTree} cp`, t.dir),
  },
  {
    name: 'parallel',
    fuse: true,
    label: (ctx) => `4 processes, each \`echo hello > f$i\` × ${ctx.parallelFiles} in its own directory`,
    prepare: async (t) => void sub(t, 'parallel'),
    run: async (t, ctx) =>
      sh(`for p in 1 2 3 4; do (mkdir p$p && cd p$p && for i in $(seq ${ctx.parallelFiles}); do echo hello > f$i; done) & done; wait`, path.join(t.dir, 'parallel')),
  },
  {
    name: 'sdk-small-files',
    fuse: false,
    label: (ctx) => `SDK \`vol.writeFile\` of ${ctx.sdkFiles} files of 100 bytes (node:fs on bindfs/local)`,
    run: async (t, ctx) => {
      const data = Buffer.alloc(100, 'x');
      const dirOf = (i: number) => `/sdk/d${Math.floor(i / 1000)}`;
      if (!t.metaUrl) {
        for (let i = 0; i < ctx.sdkFiles; i += 1000) await mkdir(path.join(t.dir, dirOf(i)), { recursive: true });
        for (let i = 0; i < ctx.sdkFiles; i++) await writeFile(path.join(t.dir, dirOf(i), `f${i}`), data);
        return;
      }
      const vol = await Volume.open(t.metaUrl, { program: 'bench:workloads' });
      try {
        for (let i = 0; i < ctx.sdkFiles; i += 1000) await vol.mkdir(dirOf(i), { recursive: true });
        for (let i = 0; i < ctx.sdkFiles; i++) await vol.writeFile(`${dirOf(i)}/f${i}`, data);
      } finally {
        await vol.close();
      }
    },
  },
];
