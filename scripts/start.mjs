// The main job on the embedded default: format ./data/slicefs.db (SQLite) with objects in
// ./data/objects/ if it is not there yet, then mount it at ./mnt in the foreground (Ctrl-C
// commits open files and unmounts; a crashed mount is cleaned with `slicefs umount ./mnt`).
import { existsSync, mkdirSync } from 'node:fs';
import { main } from '../dist/cli/main.js';

const meta = 'sqlite3://./data/slicefs.db';
if (!existsSync('./data/slicefs.db')) {
  const code = await main(['format', meta, 'slicefs', '--storage', 'file://./data/objects/']);
  if (code) process.exit(code);
}
mkdirSync('./mnt', { recursive: true });
process.exit(await main(['mount', meta, './mnt']));
