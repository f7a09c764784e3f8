/**
 * Runs `fn`, sampling the heap: `retained` after a full GC at every progress report (once per
 * page of 10,000 rows: what the check holds), `peak` every 10 ms without GC (garbage included).
 */
export async function heapOf<T>(fn: (sample: () => void) => Promise<T>): Promise<{ result: T; retained: number; peak: number; seconds: number }> {
  let retained = 0;
  let peak = 0;
  const sample = () => void (peak = Math.max(peak, process.memoryUsage().heapUsed));
  const collect = () => {
    global.gc?.();
    retained = Math.max(retained, process.memoryUsage().heapUsed);
  };
  const timer = setInterval(sample, 10);
  const start = performance.now();
  try {
    const result = await fn(collect);
    collect();
    return { result, retained, peak: Math.max(peak, retained), seconds: (performance.now() - start) / 1000 };
  } finally {
    clearInterval(timer);
  }
}
