import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatTempVolume, MountedVolume } from './fuse/support/mounted-volume.js';
import { families } from './posix/cases/index.js';
import { type CaseResult, runSuite } from './posix/suite.js';

// The POSIX conformance suite (test/posix/README.md), as root and as nobody: first on a local
// directory, which proves every expectation is Linux's own answer, then on a slicefs mount.
// Each case is one test; the suite runs all of them in a before hook (in phases, ~2 s).

const key = (family: string, index: number) => `${family}#${index}`;

function defineCases(results: () => Map<string, CaseResult>): void {
  for (const [family, cases] of Object.entries(families)) {
    describe(family, () => {
      cases.forEach(([title, actor], index) => {
        it(`${key(family, index)} [${actor}] ${title}`, () => {
          const r = results().get(key(family, index));
          assert.ok(r, 'the case did not run');
          assert.ok(r.passed, r.problems.join('\n'));
        });
      });
    });
  }
}

const byKey = (list: CaseResult[]) => new Map(list.map((r) => [key(r.family, r.index), r]));

describe('POSIX conformance on a local directory (the reference answers)', () => {
  let results = new Map<string, CaseResult>();
  const dir = mkdtempSync(path.join(tmpdir(), 'slicefs-posix-local-'));
  before(async () => {
    chmodSync(dir, 0o755);
    results = byKey(await runSuite({ dir }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  defineCases(() => results);
});

describe('POSIX conformance on a slicefs mount', () => {
  let results = new Map<string, CaseResult>();
  const volume = formatTempVolume();
  let mount: MountedVolume | undefined;
  before(async () => {
    mount = await MountedVolume.start(volume.metaUrl);
    results = byKey(await runSuite({ dir: mount.mnt }));
  });
  after(async () => {
    await mount?.stop();
    volume.remove();
  });
  defineCases(() => results);
});
