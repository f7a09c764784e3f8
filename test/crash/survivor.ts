import type { Volume } from '../../src/sdk/index.js';
import { randInt, seededRandom } from '../support/random.js';
import { fileContent } from './content.js';

/**
 * A client that keeps working while another dies: creates, writes, reads back, renames and
 * deletes its own files, and reads the files the other client made durable. Every error it
 * meets is recorded, with the operation and the path.
 */
export class Survivor {
  readonly errors: string[] = [];
  /** Its files and their lengths. */
  readonly files = new Map<string, number>();
  ops = 0;
  private stopping = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly vol: Volume,
    private readonly options: { dir: string; seed: number; maxSize: number; /** Files another client made durable. */ others: () => Array<{ file: string; length: number }> },
  ) {}

  /** Starts the work loop. */
  start(): void {
    this.stopping = false;
    this.running = this.loop();
  }

  /** Ends the loop after the operation under way. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  private async step<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    this.ops++;
    try {
      return await fn();
    } catch (err) {
      this.errors.push(`${what}: ${(err as { code?: string }).code ?? ''} ${(err as Error).message}`);
      return undefined;
    }
  }

  private async expectContent(file: string, length: number, what: string): Promise<void> {
    const data = await this.vol.readFile(file);
    if (!data.equals(fileContent(file, length))) throw new Error(`${what} ${file}: ${data.length} bytes, not the ${length} written`);
  }

  private async loop(): Promise<void> {
    const { vol, options } = this;
    const rand = seededRandom(options.seed);
    await this.step(`mkdir ${options.dir}`, () => vol.mkdir(options.dir, { recursive: true }));
    for (let i = 0; !this.stopping; i++) {
      const file = `${options.dir}/s-${options.seed}-${i}`;
      const length = 1 + randInt(rand, options.maxSize);
      await this.step(`write ${file}`, async () => {
        await vol.writeFile(file, fileContent(file, length));
        this.files.set(file, length);
      });
      const mine = [...this.files];
      const [some, someLength] = mine[randInt(rand, mine.length)] ?? [];
      if (some) await this.step(`read ${some}`, () => this.expectContent(some, someLength!, 'read back'));
      if (i % 4 === 3 && some) {
        await this.step(`unlink ${some}`, async () => {
          await vol.unlink(some);
          this.files.delete(some);
        });
      }
      if (i % 10 === 9) {
        const sub = `${options.dir}/d-${options.seed}-${i}`;
        const [moved, movedLength] = [...this.files][randInt(rand, this.files.size)] ?? [];
        await this.step(`mkdir and rename into ${sub}`, async () => {
          await vol.mkdir(sub);
          if (!moved) return;
          // Content is named after the first path: keep the name, move the directory entry.
          await vol.rename(moved, `${sub}/x`);
          await vol.rename(`${sub}/x`, moved);
        });
        void movedLength;
      }
      const others = options.others();
      const other = others[randInt(rand, others.length)];
      if (other) await this.step(`read the other client's ${other.file}`, () => this.expectContent(other.file, other.length, 'read'));
    }
  }

  /** Reads back every file it kept; returns how many. */
  async verifyAll(): Promise<number> {
    for (const [file, length] of this.files) await this.step(`final read ${file}`, () => this.expectContent(file, length, 'final read'));
    return this.files.size;
  }
}
