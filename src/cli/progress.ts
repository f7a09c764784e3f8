import cliProgress from 'cli-progress';
import type { CliIO } from './command.js';

/** A progress display: a bar with count/total, rate and ETA on a terminal, nothing when piped. */
export interface Progress {
  update(done: number, total?: number): void;
  stop(): void;
}

/** A progress bar on stderr when it is a terminal, or a silent stand-in. */
export function progressBar(io: CliIO, label: string): Progress {
  if (!io.err.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: io.err as NodeJS.WritableStream as never,
      format: `${label} [{bar}] {value}/{total} | {rate}/s | ETA {eta_formatted}`,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let running = false;
  return {
    update(done, total) {
      const rate = Math.round(done / Math.max(0.001, (Date.now() - started) / 1000));
      if (!running) {
        bar.start(total ?? done, done, { rate });
        running = true;
      } else {
        if (total !== undefined) bar.setTotal(total);
        bar.update(done, { rate });
      }
    },
    stop() {
      if (running) bar.stop();
    },
  };
}

/** A spinner-like counter for scans without a known total (phase and count). */
export function phaseReporter(io: CliIO): { report(phase: string, n: number): void; stop(): void } {
  if (!io.err.isTTY) return { report() {}, stop() {} };
  let last = '';
  return {
    report(phase, n) {
      last = `  scanning ${phase}: ${n}`;
      io.err.write(`\r${last}\x1b[K`);
    },
    stop() {
      if (last) io.err.write('\r\x1b[K');
    },
  };
}
