// What the user reads for a failed call: every API error mapped to a sentence in one place, never
// a raw "Failed to fetch" or "422 rules_do_not_compile".

import { ApiError, formatDetail } from './api.js';

export const UNREACHABLE = 'the server cannot be reached (check that it is running)';

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Whether {@code e} says the server did not answer at all. */
export function isUnreachable(e) {
  return (e instanceof ApiError && e.status === 0 && e.code === 'network')
    || (e instanceof TypeError && /fetch|network/i.test(e.message));
}

/** The sentence for {@code e}, then each detail the message does not say already. */
export function userMessage(e) {
  if (isUnreachable(e)) return UNREACHABLE;
  if (!(e instanceof ApiError)) return e && e.message ? e.message : String(e);
  if (e.code === 'rules_do_not_compile') {
    const errors = e.details.filter((d) => String(d?.level ?? 'error').toLowerCase() === 'error').length;
    return `does not compile: ${plural(errors || e.details.length, 'error')} (see Problems)`;
  }
  if (e.status === 429) return `the server is busy: ${e.message}; try again in a moment`;
  const lines = e.details.map(formatDetail).filter((line) => line && line !== e.message && !e.message.includes(line));
  return [e.message, ...lines.map((l) => `  ${l}`)].join('\n');
}
