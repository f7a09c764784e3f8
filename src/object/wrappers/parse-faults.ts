import { CodedError } from '../../errors/index.js';
import { FAULT_ERRORS, FAULT_OPS, type FaultError, type FaultOp, type FaultRule } from './fault-rule.js';

/**
 * Parses the `?faults=` syntax: rules separated by `;`, each an op followed by
 * comma-separated fields: `times=N`, `after=N`, `rate=P`, `error=NAME`, `delay=200ms`,
 * `truncate`, `key=GLOB`. Example: `put,times=3,key=chunks/*;get,truncate`.
 */
export function parseFaults(text: string, subject: string): FaultRule[] {
  const fail = (why: string): never => {
    throw new CodedError('ERR_BAD_URL', `${subject}: faults=${text}: ${why}`, { subject });
  };
  const count = (name: string, v: string) => (/^\d+$/.test(v) ? Number(v) : fail(`${name}=${v} is not a whole number`));
  return text
    .split(';')
    .filter((r) => r.trim() !== '')
    .map((ruleText) => {
      const [op = '', ...fields] = ruleText.split(',').map((f) => f.trim());
      if (!FAULT_OPS.includes(op as FaultOp)) fail(`'${op}' is not one of ${FAULT_OPS.join(', ')}`);
      const rule: FaultRule = { op: op as FaultOp };
      for (const field of fields) {
        const eq = field.indexOf('=');
        const [name, value] = eq < 0 ? [field, ''] : [field.slice(0, eq), field.slice(eq + 1)];
        if (name === 'times') rule.times = count(name, value);
        else if (name === 'after') rule.after = count(name, value);
        else if (name === 'rate') rule.rate = /^(0(\.\d+)?|1(\.0+)?)$/.test(value) ? Number(value) : fail(`rate=${value} is not within 0..1`);
        else if (name === 'error') rule.error = FAULT_ERRORS.includes(value as FaultError) ? (value as FaultError) : fail(`error=${value} is not one of ${FAULT_ERRORS.join(', ')}`);
        else if (name === 'delay') {
          const m = /^(\d+)(ms|s)?$/.exec(value) ?? fail(`delay=${value} is not a duration (e.g. 200ms, 2s)`);
          rule.delayMs = Number(m[1]) * (m[2] === 's' ? 1000 : 1);
        } else if (name === 'truncate' && value === '') rule.truncate = true;
        else if (name === 'key' && value !== '') rule.key = value;
        else fail(`unknown field '${field}' (times, after, rate, error, delay, truncate, key)`);
      }
      return rule;
    });
}
