import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { commands } from '../src/cli/commands/index.js';
import { main } from '../src/cli/main.js';
import { sharedS3Server } from '../src/object/testing/test-stores.js';
import { slicefs } from './support/cli.js';

/** Runs the CLI's main() in this process with its output captured. */
async function inProcess(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const text = (s: PassThrough) => {
    const chunks: Buffer[] = [];
    s.on('data', (d: Buffer) => chunks.push(d));
    return () => Buffer.concat(chunks).toString();
  };
  const [o, e] = [text(out), text(err)];
  const code = await main(argv, { out, err });
  return { code, out: o(), err: e() };
}

const dir = mkdtempSync(path.join(tmpdir(), 'slicefs-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('CLI (the built binary)', () => {
  it('prints its version and help for every command', async () => {
    const v = slicefs(['--version']);
    assert.equal(v.code, 0);
    assert.match(v.out, /^\d+\.\d+\.\d+\n$/);
    const top = slicefs(['--help']);
    assert.equal(top.code, 0);
    assert.equal(slicefs(['clone', '--help']).out, (await inProcess(['clone', '--help'])).out, 'the binary prints what main() prints');
    // Each command's help from main() itself: one process per command would cost ~20 s of CPU.
    for (const c of commands) {
      assert.match(top.out, new RegExp(`\\b${c.name}\\b`));
      const h = await inProcess([c.name, '--help']);
      assert.equal(h.code, 0, c.name);
      assert.match(h.out, /Usage: slicefs /);
      assert.match(h.out, /Examples:/);
    }
  });

  it('starts without loading the SDK, the engines, the servers or FUSE: --version and --help stay cheap', () => {
    // A resolve hook in the child lists every module it loads.
    const hook = `data:text/javascript,${encodeURIComponent(
      "export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write('LOADED ' + r.url + '\\n'); return r; }",
    )}`;
    const register = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module'; register(${JSON.stringify(hook)});`)}`;
    const r = spawnSync(process.execPath, ['--import', register, path.resolve('bin/slicefs.js'), '--version'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const loaded = r.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice(7));
    assert.ok(loaded.some((u) => u.endsWith('/dist/cli-bundle/main.js')), 'the hook saw the bundled CLI load');
    // Each file of the bundle stands for the modules of dist/ it holds (scripts/bundle-cli.mjs).
    const bundle = JSON.parse(readFileSync('dist/cli-bundle/meta.json', 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
    const modules = loaded.flatMap((u) => {
      const inBundle = /\/(dist\/cli-bundle\/[^/]+\.js)$/.exec(u)?.[1];
      return inBundle ? Object.keys(bundle.outputs[inBundle]!.inputs).map((m) => `/${m}`) : [u];
    });
    assert.ok(modules.includes('/dist/cli/main.js'));
    const heavy = modules.filter((u) => /\/dist\/(sdk\/index\.js|vfs\/|chunk\/|gateway\/|webdav\/|meta\/engines\/|fuse\/serve-volume\.js)|\/node_modules\/(prom-client|better-sqlite3)\//.test(u));
    assert.deepEqual(heavy, []);
  });

  it('formats a volume, refuses to format it again, and reports its status', () => {
    const meta = `sqlite3://${dir}/v.db`;
    const f = slicefs(['format', meta, 'clivol', '--storage', `file://${dir}/objects/`, '--block-size', '1M']);
    assert.equal(f.code, 0, f.err);
    assert.match(f.out, /formatted volume clivol/);
    const again = slicefs(['format', meta, 'clivol', '--storage', `file://${dir}/objects/`]);
    assert.notEqual(again.code, 0);
    assert.equal(again.err, `slicefs: format: ${meta}: volume already formatted (use --force)\n`);
    const s = slicefs(['status', meta]);
    assert.equal(s.code, 0, s.err);
    assert.match(s.out, /volume: +clivol/);
    assert.match(s.out, /logical: +0 B in 1 inodes/);
    const j = JSON.parse(slicefs(['status', meta, '--json']).out);
    assert.equal(j.settings.blockSize, 1024 * 1024);
    assert.equal(j.logical.inodes, 1);
    assert.deepEqual(j.physical, { slices: 0, bytes: 0 });
    assert.equal(j.engine.scheme, 'sqlite3');
    assert.ok(j.engine.storageBytes > 0);
    const forced = slicefs(['format', meta, 'clivol2', '--storage', `file://${dir}/objects2/`, '--force']);
    assert.equal(forced.code, 0, forced.err);
    assert.equal(JSON.parse(slicefs(['status', meta, '--json']).out).settings.name, 'clivol2');
  });

  it('format and status never print a storage secret', async () => {
    const { endpoint } = await sharedS3Server();
    const meta = `sqlite3://${dir}/secret.db`;
    const storage = `s3://S3RVER:S3RVER@secret-${process.pid}/vol?endpoint=${endpoint}`;
    const f = slicefs(['format', meta, 'secretvol', '--storage', storage, '--create-bucket']);
    assert.equal(f.code, 0, f.err);
    const s = slicefs(['status', meta]);
    const j = slicefs(['status', meta, '--json']);
    assert.equal(s.code + j.code, 0, s.err + j.err);
    for (const out of [f.out, s.out, j.out]) {
      assert.ok(out.includes(`s3://S3RVER:***@secret-${process.pid}/vol?endpoint=`), out);
      assert.ok(!out.includes(':S3RVER@'), `the secret key is printed: ${out}`);
    }
  });

  it('bad input gets one clear line and a non-zero exit', () => {
    const unknown = slicefs(['status', 'ftp://host/x']);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.err, /^slicefs: status: ftp:\/\/host\/x: unknown metadata scheme 'ftp' \(supported: .*sqlite3:\/\/.*\)\n$/);
    const missing = slicefs(['status', `sqlite3://${dir}/none.db`]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.err, /no volume here/);
    const badName = slicefs(['format', `sqlite3://${dir}/w.db`, 'UPPER', '--storage', `file://${dir}/o/`]);
    assert.notEqual(badName.code, 0);
    assert.match(badName.err, /^slicefs: format: name: 'UPPER' is not a valid volume name/);
    const badSize = slicefs(['format', `sqlite3://${dir}/w.db`, 'okname', '--block-size', 'huge']);
    assert.match(badSize.err, /--block-size: 'huge' is not a size/);
    const noArgs = slicefs(['format']);
    assert.notEqual(noArgs.code, 0);
    assert.match(noArgs.err, /^slicefs: missing required argument/);
    const unknownCmd = slicefs(['frobnicate']);
    assert.notEqual(unknownCmd.code, 0);
    for (const r of [unknown, missing, badName, badSize, noArgs]) assert.equal(r.err.trim().split('\n').length, 1, r.err);
  });
});
