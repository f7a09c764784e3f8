import { COUNTER_OF, type DumpRecord, noRecords, type RecordCounts } from './dump-format.js';

/** Where dump lines go: `write` resolves once the text may be written again (backpressure). */
export type DumpWrite = (text: string) => Promise<void>;

/** What a dump wrote, by kind of record. */
export type DumpCounts = RecordCounts;

/**
 * Collects records into pages of JSON lines (one write per page, not per record) and counts them;
 * `onProgress` hears the phase and the records written so far after each page.
 */
export class DumpSink {
  readonly counts: DumpCounts = noRecords();
  private lines: string[] = [];

  constructor(
    private readonly write: DumpWrite,
    private readonly onProgress?: (phase: string, n: number) => void,
  ) {}

  add(record: DumpRecord): void {
    this.lines.push(JSON.stringify(record));
    const kind = COUNTER_OF[record.t];
    if (kind) this.counts[kind]++;
    this.counts.records++;
  }

  /** Writes the lines collected so far. */
  async flush(phase: string): Promise<void> {
    if (!this.lines.length) return;
    const text = `${this.lines.join('\n')}\n`;
    this.lines = [];
    await this.write(text);
    this.onProgress?.(phase, this.counts.records);
  }

  /** The last line: how many records came before it, so a load can tell a complete dump from a cut one. */
  async end(): Promise<void> {
    await this.flush('end');
    await this.write(`${JSON.stringify({ t: 'end', records: this.counts.records, inodes: this.counts.inodes } satisfies DumpRecord)}\n`);
  }
}
