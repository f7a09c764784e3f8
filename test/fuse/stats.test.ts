import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { slicefs } from '../support/cli.js';
import { formatTempVolume, MountedVolume, run } from './support/mounted-volume.js';

/** Samples of a Prometheus text page: `name{labels}` → value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

describe('slicefs stats and mount --metrics on a real mount', () => {
  let tv: ReturnType<typeof formatTempVolume>;
  let m: MountedVolume;
  let url: string;
  const scrape = async () => {
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    return samples(await res.text());
  };
  before(async () => {
    tv = formatTempVolume();
    m = await MountedVolume.start(tv.metaUrl, { args: ['--metrics', '127.0.0.1:0'] });
    url = /metrics at (http:\/\/\S+)/.exec(m.log)?.[1] ?? '';
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/, m.log);
  });
  after(async () => {
    await m?.stop();
    tv?.remove();
  });

  it('the Prometheus counters rise with file operations', async () => {
    const a = await scrape();
    run(`mkdir ${m.mnt}/d && for i in $(seq 1 40); do echo hello > ${m.mnt}/d/f$i; done`);
    run(`dd if=/dev/zero of=${m.mnt}/d/larger bs=8k count=5 status=none`); // above the inline size: an object
    // A small file's bytes come with its open (no cache); an object's block is cached.
    run(`dd if=${m.mnt}/d/larger iflag=direct bs=64k status=none > /dev/null; dd if=${m.mnt}/d/larger iflag=direct bs=64k status=none > /dev/null`);
    const b = await scrape();
    const rise = (name: string) => (b.get(name) ?? 0) - (a.get(name) ?? 0);
    assert.equal(rise('slicefs_fuse_ops_total{op="CREATE"}'), 41);
    assert.equal(rise('slicefs_fuse_ops_total{op="MKDIR"}'), 1);
    assert.equal(rise('slicefs_fuse_op_duration_seconds_count{op="CREATE"}'), 41);
    assert.equal(b.get('slicefs_fuse_op_duration_seconds_bucket{op="CREATE",le="+Inf"}'), b.get('slicefs_fuse_ops_total{op="CREATE"}'));
    assert.ok(rise('slicefs_fuse_op_duration_seconds_sum{op="CREATE"}') > 0);
    assert.ok(rise('slicefs_fuse_errors_total{op="LOOKUP"}') >= 41, 'each new name was a negative lookup first');
    assert.ok(rise('slicefs_meta_transactions_total{kind="write"}') >= 41);
    assert.ok(rise('slicefs_object_requests_total{method="put"}') >= 1, 'the larger file was put; the 6-byte ones are inline');
    assert.ok(rise('slicefs_object_bytes_total{direction="write"}') >= 40960);
    assert.ok(rise('slicefs_fuse_ops_total{op="READ"}') >= 2);
    assert.ok(rise('slicefs_cache_hits_total') >= 1, 'the second direct read finds the block cached');
    assert.ok(rise('slicefs_cache_hits_total') + rise('slicefs_cache_misses_total') >= 2);
    assert.ok(b.has('slicefs_buffer_capacity_bytes'));
    const missing = await fetch(url.replace(/\/metrics$/, '/other'));
    assert.equal(missing.status, 404);
  });

  it('slicefs stats --json prints one interval per line, counting its own requests too', () => {
    run(`echo x > ${m.mnt}/before`);
    const r = slicefs(['stats', m.mnt, '--json', '--count', '2', '--interval', '0.2']);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 2);
    for (const i of lines) {
      assert.ok(i.seconds > 0);
      // Each snapshot is a .control exchange: its OPEN and WRITE come before the answer.
      assert.ok(i.fuse.byOp.OPEN.ops >= 1 && i.fuse.byOp.WRITE.ops >= 1, JSON.stringify(i.fuse));
      assert.equal(i.fuse.ops, Object.values(i.fuse.byOp as Record<string, { ops: number }>).reduce((n, o) => n + o.ops, 0));
      assert.ok(i.fuse.opsPerSec > 0);
      for (const key of ['meta', 'object', 'cache', 'buffer']) assert.ok(key in i, key);
    }
  });

  it('slicefs stats prints a table, from any path on the mount', () => {
    const r = slicefs(['stats', `${m.mnt}/d`, '--count', '1', '--interval', '0.1']);
    assert.equal(r.code, 0, r.err);
    const [header, row, ...rest] = r.out.trimEnd().split('\n');
    assert.match(header!, /fuse ops\/s .* meta tx\/s .* obj req\/s .* cache hit/);
    assert.match(row!, /^\d\d:\d\d:\d\d \| +\d+ +\d+\.\d{3} +\d+ \|/);
    assert.deepEqual(rest, []);
  });
});
