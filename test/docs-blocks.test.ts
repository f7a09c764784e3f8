import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { until } from '../src/meta/testing/harness.js';
import { Volume } from '../src/sdk/index.js';

// Docs are promises: every `sh` and `ts` block of README.md and docs/*.md runs here, as written,
// in a fresh directory, one document's blocks in order (a document is a walkthrough). A block
// that cannot run says so in an HTML comment right above it:
//   <!-- docs-blocks: not run (why) -->       skipped, with the reason in the markdown
//   <!-- docs-blocks: given sample-volume -->  runs after ./data/slicefs.db is formatted with
//                                              /datasets/v1/a.txt and /models/base.bin in it
//   <!-- docs-blocks: given dead-mount -->     runs after ./data/slicefs.db was mounted at ./mnt
//                                              and its process killed (ENOTCONN)
// `slicefs` and `npx slicefs` run the built bin/slicefs.js; `import … from 'slicefs'` resolves
// to this package (tsx runs the ts blocks against dist/).

const ROOT = path.resolve('.');
const BIN = path.join(ROOT, 'bin/slicefs.js');
/** tsx's loader, from this checkout (the temp directory has no node_modules of its own). */
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const work = mkdtempSync(path.join(tmpdir(), 'slicefs-docs-'));
chmodSync(work, 0o755);
const shims = path.join(work, '.bin');
mkdirSync(shims);
writeFileSync(path.join(shims, 'slicefs'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
// npx slicefs in a checkout runs the package's own bin; in a temp directory it would look in the registry.
writeFileSync(
  path.join(shims, 'npx'),
  `#!/bin/sh\nif [ "$1" = slicefs ]; then shift; exec "${process.execPath}" "${BIN}" "$@"; fi\necho "docs-blocks: npx $1 is not provided here" >&2; exit 127\n`,
  { mode: 0o755 },
);

/** The mount points under `dir` (each is unmounted after its document's blocks ran). */
const mountsUnder = (dir: string) =>
  readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4] ?? '').filter((m) => m.startsWith(`${dir}/`));

after(() => {
  for (const m of mountsUnder(work)) spawnSync('umount', ['-l', m]);
  rmSync(work, { recursive: true, force: true });
});

interface Block {
  file: string;
  line: number;
  lang: string;
  code: string;
  marker: string | undefined;
}

/** The fenced blocks of a markdown file with the docs-blocks marker right above each. */
function blocksOf(file: string): Block[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.indexOf('```', i + 1);
    let prev = i - 1;
    while (prev >= 0 && lines[prev]!.trim() === '') prev--;
    const marker = /^<!-- docs-blocks: (.*) -->$/.exec(lines[prev] ?? '')?.[1];
    blocks.push({ file, line: i + 1, lang: open[1]!, code: lines.slice(i + 1, end).join('\n'), marker });
    i = end;
  }
  return blocks;
}

/** The state docs/clone.md and others start from (`given sample-volume`). */
async function sampleVolume(dir: string): Promise<void> {
  const meta = `sqlite3://${dir}/data/slicefs.db`;
  await Volume.format(meta, 'slicefs', { storage: `file://${dir}/data/objects/` });
  const vol = await Volume.open(meta);
  try {
    await vol.mkdir('/datasets/v1', { recursive: true });
    await vol.writeFile('/datasets/v1/a.txt', 'hello');
    await vol.mkdir('/models');
    await vol.writeFile('/models/base.bin', Buffer.alloc(1 << 20, 7));
  } finally {
    await vol.close();
  }
}

/** A mount of ./data/slicefs.db at ./mnt whose process died (`given dead-mount`). */
async function deadMount(dir: string): Promise<void> {
  const r = spawnSync(process.execPath, [BIN, 'mount', 'sqlite3://./data/slicefs.db', './mnt', '--background', '--log', 'dead.log'], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const pid = Number(/\(pid (\d+)\)/.exec(r.stdout)?.[1]);
  process.kill(pid, 'SIGKILL');
  await until('the mount to be dead', () => spawnSync('stat', [path.join(dir, 'mnt')]).status !== 0);
}

function runBlock(b: Block, dir: string): { code: number; out: string; err: string } {
  const env = { ...process.env, PATH: `${shims}:${process.env.PATH}`, HOME: dir };
  if (b.lang === 'ts') {
    const file = path.join(dir, `block-${b.line}.mts`);
    writeFileSync(file, b.code);
    const r = spawnSync(process.execPath, ['--import', TSX, file], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
    return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
  }
  const r = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', b.code], { cwd: dir, env, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const documents = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

describe('every command block of README.md and docs/ runs as written', () => {
  for (const doc of documents) {
    const blocks = blocksOf(doc).filter((b) => b.lang === 'sh' || b.lang === 'ts');
    if (blocks.length === 0) continue;
    it(doc, async () => {
      const dir = path.join(work, doc.replace(/\W+/g, '-'));
      mkdirSync(dir);
      // The package by name, as a user's project would have it installed.
      mkdirSync(path.join(dir, 'node_modules'));
      symlinkSync(ROOT, path.join(dir, 'node_modules', 'slicefs'));
      let ran = 0;
      try {
        for (const b of blocks) {
          const where = `${b.file}:${b.line}`;
          if (b.marker?.startsWith('not run (')) continue;
          if (b.marker === 'given sample-volume') await sampleVolume(dir);
          else if (b.marker === 'given dead-mount') await deadMount(dir);
          else assert.equal(b.marker, undefined, `${where}: unknown marker '${b.marker}'`);
          const r = runBlock(b, dir);
          assert.equal(r.code, 0, `${where} failed (${r.code}):\n${b.code}\n--- stdout\n${r.out}\n--- stderr\n${r.err}`);
          ran++;
        }
      } finally {
        for (const m of mountsUnder(dir).reverse()) if (spawnSync('umount', [m]).status !== 0) spawnSync('umount', ['-l', m]);
      }
      assert.equal(ran, blocks.filter((b) => !b.marker?.startsWith('not run (')).length);
    });
  }

  it('every block that is not run says why, and the README runs its walkthrough', () => {
    for (const doc of documents) {
      for (const b of blocksOf(doc).filter((x) => x.lang === 'sh' || x.lang === 'ts')) {
        if (b.marker) assert.match(b.marker, /^(not run \(.+\)|given (sample-volume|dead-mount))$/, `${b.file}:${b.line}`);
      }
    }
    const readme = blocksOf('README.md').filter((b) => (b.lang === 'sh' || b.lang === 'ts') && !b.marker);
    assert.ok(readme.some((b) => /slicefs mount/.test(b.code)) && readme.some((b) => b.lang === 'ts'), "README's Use it and SDK blocks are run");
  });
});
