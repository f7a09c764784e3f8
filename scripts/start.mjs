// The main job on the embedded default: format ./data/slicefs.db (SQLite) with objects in
// ./data/objects/ if it is not there yet, then show its status.
import { existsSync } from 'node:fs';
import { main } from '../dist/cli/main.js';

const meta = 'sqlite3://./data/slicefs.db';
if (!existsSync('./data/slicefs.db')) {
  const code = await main(['format', meta, 'slicefs', '--storage', 'file://./data/objects/']);
  if (code) process.exit(code);
}
process.exit(await main(['status', meta]));
