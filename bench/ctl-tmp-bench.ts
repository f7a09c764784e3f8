import { mkdtempSync } from 'node:fs';
import { Volume } from '../src/sdk/index.js';
import { buildTree } from '../test/support/tree.js';
import { testEngines } from '../src/meta/testing/test-engines.js';

async function main() {
  for (const engine of testEngines().filter((e) => e.name === 'sqlite3' || e.name === 'postgres')) {
    const url = await engine.newUrl();
    const d = mkdtempSync('/tmp/ctl-bench-');
    await Volume.format(url, 'benchvol', { storage: `file://${d}/o/` });
    const vol = await Volume.open(url);
    await buildTree(vol, '/seed', { files: 1000, fileSize: 0 });
    await vol.mkdir('/big');
    for (let i = 0; i < 50; i++) await vol.clone('/seed', `/big/s${i}`);
    const times: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t = performance.now();
      await vol.clone('/big', `/copy${r}`);
      times.push(Math.round(performance.now() - t));
    }
    console.log(`${engine.name}: 50,000-entry tree clone (default batch size), ms: ${times.join(', ')}`);
    await vol.close();
    await engine.cleanup(url);
  }
}
main();
