import { BadPathError, davPath } from './dav-path.js';

/** One condition of an If list: a state token or an entity tag, possibly negated. */
export interface IfCondition {
  not: boolean;
  token?: string;
  etag?: string;
}

/** One list of conditions (all must hold), for a tagged resource or the request's. */
export interface IfList {
  /** The tagged resource's volume path; undefined for untagged lists (the request URI). */
  path?: string;
  conditions: IfCondition[];
}

/** An If header that does not follow RFC 4918 §10.4 (a 400). */
export class IfHeaderError extends Error {}

/** Parses an If header into its lists. */
export function parseIfHeader(header: string): IfList[] {
  const lists: IfList[] = [];
  let i = 0;
  let tag: string | undefined;
  const ws = () => {
    while (i < header.length && /\s/.test(header[i]!)) i++;
  };
  const until = (close: string): string => {
    const end = header.indexOf(close, i + 1);
    if (end < 0) throw new IfHeaderError(`unterminated ${header[i]} in If header`);
    const s = header.slice(i + 1, end);
    i = end + 1;
    return s;
  };
  for (ws(); i < header.length; ws()) {
    if (header[i] === '<') {
      try {
        tag = davPath(until('>')).path;
      } catch (err) {
        if (err instanceof BadPathError) throw new IfHeaderError(`bad resource tag in If header: ${err.message}`);
        throw err;
      }
      ws();
      if (header[i] !== '(') throw new IfHeaderError('a resource tag in an If header must be followed by a list');
      continue;
    }
    if (header[i] !== '(') throw new IfHeaderError(`unexpected ${header[i]} in If header`);
    i++;
    const conditions: IfCondition[] = [];
    for (ws(); header[i] !== ')'; ws()) {
      if (i >= header.length) throw new IfHeaderError('unterminated list in If header');
      let not = false;
      if (/^not\b/i.test(header.slice(i, i + 4))) {
        not = true;
        i += 3;
        ws();
      }
      if (header[i] === '<') conditions.push({ not, token: until('>') });
      else if (header[i] === '[') conditions.push({ not, etag: until(']') });
      else throw new IfHeaderError(`unexpected ${header[i] ?? 'end'} in an If list`);
    }
    i++;
    if (conditions.length === 0) throw new IfHeaderError('empty list in If header');
    lists.push({ path: tag, conditions });
  }
  if (lists.length === 0) throw new IfHeaderError('empty If header');
  return lists;
}

/** What a condition is checked against: a resource's current etag and the tokens of the locks covering it. */
export interface IfResourceState {
  etag: string | undefined;
  tokens: ReadonlySet<string>;
}

const weakless = (e: string) => e.replace(/^W\//, '');

/** True when at least one list holds (RFC 4918 §10.4.3: lists are alternatives, conditions within one are all required). */
export function ifHolds(lists: readonly IfList[], stateOf: (path: string | undefined) => IfResourceState): boolean {
  return lists.some((list) => {
    const state = stateOf(list.path);
    return list.conditions.every((c) => {
      const holds = c.token !== undefined ? state.tokens.has(c.token) : state.etag !== undefined && weakless(state.etag) === weakless(c.etag!);
      return holds !== c.not;
    });
  });
}

/** Every state token the header submits (not negated): lock tokens the client holds. */
export function submittedTokens(lists: readonly IfList[]): Set<string> {
  return new Set(lists.flatMap((l) => l.conditions.filter((c) => !c.not && c.token !== undefined).map((c) => c.token!)));
}
