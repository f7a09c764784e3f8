import type { Actor } from './users.js';

/**
 * One conformance case, one line: `[title, actor, setup, operation, expectation]`.
 *
 * - actor: who makes the call (`root`, or `user` = nobody:nogroup).
 * - setup: operations separated by `;`, made by root in a fresh case directory owned by the
 *   actor (mode 0755); what `file`/`dir`/`sym` create belongs to the actor unless an owner is
 *   given (`file f 0600 root`). See operations.ts for the vocabulary.
 * - operation: the one call under test, in the same vocabulary (`rename a b`, `open f O_RDONLY|O_NOFOLLOW`).
 * - expectation: see expectation.ts (`ok; .: times=cm; b: ino=a`, `EEXIST; a: times=-`).
 *
 * In setup, operation and expectation, `{x*300}` stands for x repeated 300 times and `$X` for
 * a directory (mode 0777, owned by the actor) on another file system, for EXDEV.
 */
export type Case = readonly [title: string, actor: Actor, setup: string, operation: string, expectation: string];

/** Splits on blanks, keeping "double quoted" words whole. */
export function words(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

/** Expands `{x*N}` and `$X`. */
export function expand(text: string, vars: { X: string }): string {
  return text.replace(/\{([^{}*]+)\*(\d+)\}/g, (_, s: string, n: string) => s.repeat(Number(n))).replaceAll('$X', vars.X);
}
