import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { TEST_ENGINES, type TestEngine } from '../src/meta/testing/test-engines.js';
import { Volume } from '../src/sdk/index.js';
import { slicefs } from './support/cli.js';
import { countObjects } from './support/tree.js';
import { fillVolume, listVolume } from './dump/volume-listing.js';

const engine = (name: string): TestEngine => TEST_ENGINES.find((e) => e.name === name)!;

/** A dump's records (everything after the header line, whose time and engine differ). */
function body(file: string): string {
  const text = file.endsWith('.gz') ? gunzipSync(readFileSync(file)).toString() : readFileSync(file, 'utf8');
  return text.slice(text.indexOf('\n') + 1);
}

function ok(args: string[]): string {
  const r = slicefs(args);
  assert.equal(r.code, 0, `slicefs ${args.join(' ')}: ${r.err}`);
  return r.out;
}

const status = (metaUrl: string) => JSON.parse(ok(['status', metaUrl, '--json'])) as { logical: unknown; physical: unknown };

describe('dump and load (docs/operations.md)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'slicefs-dump-'));
  const storageDir = path.join(dir, 'objects');
  const made: Array<[TestEngine, string]> = [];
  let source = '';
  let listing: Awaited<ReturnType<typeof listVolume>>;
  let sourceStatus: ReturnType<typeof status>;
  let objects = 0;
  const newTarget = async (name: string) => {
    const url = await engine(name).newUrl();
    made.push([engine(name), url]);
    return url;
  };

  before(async () => {
    source = await newTarget('sqlite3');
    await Volume.format(source, 'dumped', { storage: `file://${storageDir}/`, blockSize: '64K', trashDays: 1 });
    const vol = await Volume.open(source);
    try {
      await fillVolume(vol);
      listing = await listVolume(vol);
    } finally {
      await vol.close();
    }
    sourceStatus = status(source);
    objects = countObjects(storageDir);
    assert.ok(objects > 10 && Object.keys(listing).some((p) => p.startsWith('./.trash/')), 'the source has objects and trash entries');
  });
  after(async () => {
    for (const [e, url] of made) await e.cleanup(url);
    rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips SQLite -> PostgreSQL -> Redis -> SQLite: same bytes, attributes, sharing and objects; fsck clean at every step', async () => {
    let from = source;
    let first = '';
    for (const [step, name] of ['postgres', 'redis', 'sqlite3'].entries()) {
      const file = path.join(dir, `step${step}.json${step === 1 ? '' : '.gz'}`);
      ok(['dump', from, file]);
      first ||= body(file);
      assert.equal(body(file), first, `the dump of step ${step} holds the same records as the first`);
      const to = await newTarget(name);
      const loaded = JSON.parse(ok(['load', to, file, '--json'])) as { inodes: number; batches: number };
      assert.equal(loaded.inodes, Object.keys(listing).length - 1, 'one inode per path, but one for the two names of the hard link');
      ok(['fsck', to]);
      from = to;
    }
    const vol = await Volume.open(from);
    try {
      assert.deepEqual(await listVolume(vol), listing);
      assert.deepEqual(await vol.info('/clone'), await Volume.open(source, { readOnly: true }).then(async (v) => {
        try {
          return await v.info('/clone');
        } finally {
          await v.close();
        }
      }));
    } finally {
      await vol.close();
    }
    const final = status(from);
    assert.deepEqual(final.physical, sourceStatus.physical, 'the same slices and bytes stored: nothing copied');
    assert.deepEqual(final.logical, sourceStatus.logical);
    assert.equal(countObjects(storageDir), objects, 'no object was written');
  });

  it('load refuses a volume that exists (EEXIST) and changes nothing in it', async () => {
    const file = path.join(dir, 'refused.json');
    ok(['dump', source, file]);
    const before = body(file);
    const r = slicefs(['load', source, file]);
    assert.equal(r.code, 1);
    assert.match(r.err, /^slicefs: load: .*: File exists \(it holds volume 'dumped' \([0-9a-f-]+\); load only into an empty target\)\n$/);
    ok(['dump', source, file]);
    assert.equal(body(file), before);
  });

  it('a killed load leaves a volume every client refuses; load names it partial, and --restart loads it again', async () => {
    const file = path.join(dir, 'killed.json');
    ok(['dump', source, file]);
    const lines = readFileSync(file, 'utf8').split('\n');
    const target = await newTarget('sqlite3');
    // Stdin gets the header and 30 records: three batches of 10 commit, then the load waits for more.
    const child = spawn(process.execPath, [path.resolve('bin/slicefs.js'), 'load', target, '-', '--progress', '--batch-size', '10'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    const waiting = new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (/^loaded: 30 records$/m.test(err)) resolve();
      });
      child.on('close', (code) => reject(new Error(`load ended (${code}) before 30 records: ${err}`)));
    });
    child.stdin.write(`${lines.slice(0, 31).join('\n')}\n`);
    await waiting;
    const gone = new Promise((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    child.kill('SIGKILL');
    assert.equal(await gone, 'SIGKILL');

    for (const args of [['fsck', target], ['status', target], ['gc', target, '--delete']]) {
      const refused = slicefs(args);
      assert.equal(refused.code, 2, args.join(' '));
      assert.match(refused.err, /a load into this volume started at .* and did not finish; run slicefs load --restart to discard it and load again\n$/);
    }
    const again = slicefs(['load', target, file]);
    assert.equal(again.code, 1);
    assert.match(again.err, /: Directory not empty \(it holds a load of 'dumped' that started at .* and did not finish; rerun with --restart to discard it\)\n$/);
    ok(['load', target, file, '--restart']);
    ok(['fsck', target]);
    const check = path.join(dir, 'reloaded.json');
    ok(['dump', target, check]);
    assert.equal(body(check), body(file));
    assert.equal(countObjects(storageDir), objects);
  });

  it('a dump cut short or malformed is refused by line, and the target is left empty', async () => {
    const file = path.join(dir, 'cut.json');
    ok(['dump', source, file]);
    const lines = readFileSync(file, 'utf8').split('\n');
    const target = await newTarget('sqlite3');
    for (const [text, message] of [
      [`${lines.slice(0, 20).join('\n')}\n`, /dump line 20: the dump is cut short: no end line after 19 records/],
      [`${lines.slice(0, 5).join('\n')}\n{"t":"wat"}\n`, /dump line 6: unknown record type "wat"/],
    ] as const) {
      const r = spawnLoad(target, text);
      assert.equal((await r).code, 2, (await r).err);
      assert.match((await r).err, message);
      const empty = slicefs(['status', target]);
      assert.match(empty.err, /no volume here/);
    }
  });

  for (const [subdir, engineName] of [['/clone', 'postgres'], ['/src/sub', 'redis']] as const) {
    it(`--subdir ${subdir} into ${engineName}: a volume whose root is that tree, sharing the same objects`, async () => {
      const file = path.join(dir, `sub-${engineName}.json.gz`);
      ok(['dump', source, file, '--subdir', subdir]);
      const target = await newTarget(engineName);
      ok(['load', target, file]);
      ok(['fsck', target]);
      const vol = await Volume.open(target);
      try {
        const inTree = Object.entries(listing).filter(([p]) => p.startsWith(`.${subdir}/`));
        const expected = Object.fromEntries(inTree.map(([p, v]) => [p.replace(`.${subdir}`, '.'), v.replace(/^#\d+ /, '')]));
        // /src/sub/f1 has a second name outside /src/sub: inside the dumped tree it has one.
        if (subdir === '/src/sub') expected['./f1'] = expected['./f1']!.replace(' n2 ', ' n1 ');
        const got = await listVolume(vol, '/', { inodes: false });
        assert.equal(got['.'], listing[`.${subdir}`]!.replace(/^#\d+ /, ''), 'the root has the attributes of the tree dumped');
        delete got['.'];
        assert.deepEqual(got, expected);
      } finally {
        await vol.close();
      }
      assert.equal(countObjects(storageDir), objects);
    });
  }
});

/** Runs `slicefs load TARGET -` with `text` on stdin. */
function spawnLoad(target: string, text: string): Promise<{ code: number | null; err: string }> {
  const child = spawn(process.execPath, [path.resolve('bin/slicefs.js'), 'load', target, '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdin.end(text);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, err })));
}
