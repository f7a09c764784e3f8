import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { testEngines } from '../src/meta/testing/test-engines.js';
import { withDavServer } from './support/dav-server.js';

const run = promisify(execFile);
const SUITES = ['basic', 'copymove', 'props', 'locks', 'http'];

/** What litmus said that is not a clean pass: failures, skips, warnings, and suites that did not report. */
function litmusProblems(output: string): string[] {
  const problems = output.split('\n').filter((l) => /\b(FAIL|SKIPPED|WARNING)\b|warnings? (were|was) issued|tests were skipped/i.test(l)).map((l) => l.trim());
  for (const suite of SUITES) {
    const m = new RegExp(`<- summary for \`${suite}': of (\\d+) tests run: (\\d+) passed, (\\d+) failed`).exec(output);
    if (!m) problems.push(`suite ${suite}: no summary`);
    else if (m[1] !== m[2] || m[3] !== '0' || Number(m[1]) < 4) problems.push(`suite ${suite}: ${m[0]}`);
  }
  return problems;
}

// The litmus suite (Debian litmus 0.13) against the server, with basic authentication: every
// test of basic, copymove, props, locks and http must pass with no warning.
for (const engine of testEngines().filter((e) => e.name === 'sqlite3' || e.name === 'postgres')) {
  describe(`WebDAV: litmus on ${engine.name}`, () => {
    it('passes every test of basic, copymove, props, locks and http, without warnings', async () => {
      const cwd = mkdtempSync(path.join(tmpdir(), 'slicefs-litmus-'));
      try {
        await withDavServer(
          engine,
          async ({ base, log }) => {
            const { stdout, stderr } = await run('litmus', [`${base}/`, 'litmus-user', 'pa:ss wörd'], {
              cwd, env: { ...process.env, TESTS: SUITES.join(' ') }, encoding: 'utf8', maxBuffer: 16 << 20,
            }).catch((err: { stdout?: string; stderr?: string }) => ({ stdout: err.stdout ?? '', stderr: err.stderr ?? '' }));
            const output = `${stdout}\n${stderr}`;
            assert.deepEqual(litmusProblems(output), [], output);
            assert.deepEqual(log.filter((l) => l.startsWith('ERROR')), [], 'no request failed inside the server');
            assert.ok(log.some((l) => / litmus-user "PROPPATCH /.test(l)), 'the access log names the authenticated user');
          },
          { credentials: { user: 'litmus-user', password: 'pa:ss wörd' } },
        );
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    });
  });
}
