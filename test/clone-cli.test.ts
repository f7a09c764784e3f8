import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { testEngines } from '../src/meta/testing/test-engines.js';
import { cloneCliScenarios, NOBODY } from './clone/clone-cli-scenarios.js';
import { slicefs } from './support/cli.js';
import { withEngineVolume } from './support/engine-volume.js';

// The same scenarios as a non-root user: test/clone-cli-user.test.ts.
cloneCliScenarios('root');

describe('clone --meta by a user who cannot write the SQLite database', () => {
  it('fails with EACCES naming the database, not EROFS', async () => {
    const sqlite = testEngines().find((e) => e.name === 'sqlite3')!;
    await withEngineVolume(sqlite, async ({ vol, metaUrl }) => {
      await vol.writeFile('/f', 'x');
      // The database is root's (0644) in root's 0700 directory; let nobody reach it, not write it.
      const file = metaUrl.slice('sqlite3://'.length);
      assert.equal(spawnSync('chmod', ['755', path.dirname(file)]).status, 0);
      const r = slicefs(['clone', '--meta', metaUrl, '/f', '/g'], { uid: NOBODY.uid });
      assert.equal(r.code, 1);
      assert.match(r.err, new RegExp(`^slicefs: clone: ${file}: Permission denied \\(the metadata database is not writable by uid 65534`));
      assert.doesNotMatch(r.err, /Read-only file system/);
      assert.equal(await vol.exists('/g'), false);
    });
  });
});
