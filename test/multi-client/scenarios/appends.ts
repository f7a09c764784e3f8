import assert from 'node:assert/strict';
import type { Volume } from '../../../src/sdk/index.js';
import { assertFsckClean, describeError } from '../checks.js';
import { scaled } from '../scale.js';
import { defineScenario, type WorkerSide } from '../scenario.js';

const THROUGH_HANDLE = '/appends-one-handle';
const OPEN_EACH = '/appends-open-each';
const LINE = 32;

/** Line `seq` of client `w`: fixed length, so a torn or overwritten line shows. */
export const appendLine = (w: number, seq: number) => `client ${w} line ${String(seq).padStart(8, '0')}`.padEnd(LINE - 1, '.') + '\n';

/** Appends `lines` lines through one 'a' handle, committing every `syncEvery` (commits of both clients interleave). */
async function throughOneHandle(vol: Volume, w: number, spec: { lines: number; syncEvery: number }): Promise<void> {
  const h = await vol.open(THROUGH_HANDLE, 'a');
  try {
    for (let i = 0; i < spec.lines; i++) {
      await h.write(appendLine(w, i));
      if ((i + 1) % spec.syncEvery === 0) await h.sync();
    }
  } finally {
    await h.close();
  }
}

/** Appends `lines` lines, each with its own open, append and close. */
async function openEach(vol: Volume, w: number, lines: number): Promise<void> {
  for (let i = 0; i < lines; i++) await vol.appendFile(OPEN_EACH, appendLine(w, i));
}

const actions = {
  async append(w: WorkerSide, spec: { lines: number; syncEvery: number }) {
    const vol = w.volume();
    const errors: string[] = [];
    await Promise.all([
      throughOneHandle(vol, w.index, spec).catch((err) => errors.push(describeError(THROUGH_HANDLE, err))),
      openEach(vol, w.index, spec.lines).catch((err) => errors.push(describeError(OPEN_EACH, err))),
    ]);
    return { errors };
  },
};

/** Every line of `text` whole, each client's in its own order, each exactly once. */
function assertEveryLine(text: string, spec: { clients: number; lines: number; file: string }): void {
  assert.equal(text.length, spec.clients * spec.lines * LINE, `${spec.file}: the length is the sum of the appends`);
  const next = new Array<number>(spec.clients).fill(0);
  for (let at = 0; at < text.length; at += LINE) {
    const line = text.slice(at, at + LINE);
    const m = /^client (\d+) line (\d{8})\.*\n$/.exec(line);
    assert.ok(m && line.length === LINE, `${spec.file}: bytes ${at}..${at + LINE} are not a whole line: ${JSON.stringify(line)}`);
    const [w, seq] = [Number(m[1]), Number(m[2])];
    assert.equal(seq, next[w], `${spec.file}: client ${w}'s line ${next[w]} is missing or out of order at byte ${at}`);
    next[w]!++;
  }
  assert.deepEqual(next, new Array<number>(spec.clients).fill(spec.lines), `${spec.file}: every line of every client, once`);
}

export const appendsFromManyClients = defineScenario({
  name: 'appends',
  title: 'O_APPEND from two clients: every line lands whole at the true end, exactly once',
  clients: 2,
  actions,
  async run({ vol, clients, scale }) {
    const spec = { lines: scaled(400, scale), syncEvery: 7 };
    await vol.writeFile(THROUGH_HANDLE, '');
    await vol.writeFile(OPEN_EACH, '');
    const results = await Promise.all(clients.map((c) => c.run('append', spec)));
    assert.deepEqual(results.map((r) => r.errors), clients.map(() => []), 'every append and close succeeded');
    for (const file of [THROUGH_HANDLE, OPEN_EACH]) {
      assertEveryLine(await vol.readFile(file, 'utf8'), { clients: clients.length, lines: spec.lines, file });
    }
    await assertFsckClean(vol, 'after the appends');
  },
});
