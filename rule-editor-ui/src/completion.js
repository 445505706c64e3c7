// What the editor offers while typing: the rule set's declared event types and their fields,
// DRL keywords and temporal operators, and the keys of Vigil's rule language in YAML files.

import { ACCUMULATE_FUNCTIONS, KEYWORDS, TEMPORAL_OPERATORS, WINDOWS } from './drl.js';

export const DSL_KEYS = ['rule', 'description', 'severity', 'when', 'then', 'pattern', 'event', 'where', 'per',
  'count', 'within', 'aggregate', 'field', 'steps', 'missing', 'for', 'condition', 'baseline', 'factor',
  'minEvents', 'newKeys', 'history', 'bucket', 'skip', 'seasonal', 'minHistory', 'message', 'suppress', 'attributes'];

export const DSL_PATTERNS = ['match', 'count', 'aggregate', 'distinct', 'sequence', 'absence', 'flatline',
  'sustained', 'spike', 'new-value', 'change', 'baseline'];

/** What a baseline's condition, message and attributes may name besides the event's fields. */
export const BASELINE_FIGURES = ['count', 'mean', 'stddev', 'min', 'max', 'p50', 'p90', 'p95', 'p99', 'zscore'];

export const SEASONS = ['daily', 'weekly'];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'];

export const TEST_KEYS = ['name', 'start', 'events', 'at', 'time', 'type', 'expect', 'expectNone', 'exactly', 'until',
  'rule', 'key', 'severity', 'message', 'attributes'];

export const METADATA = ['@role(event)', '@timestamp()', '@duration()', '@expires()', '@severity("high")', '@suppress("10m")'];

/**
 * Completion options for the word before the cursor: {@code before} is the text of the line up
 * to the cursor, {@code eventTypes} the validate answer's types ({name, fields: [{name, type}]}).
 */
export function completionOptions(path, before, eventTypes) {
  const types = eventTypes || [];
  if (/\.ya?ml$/.test(path)) {
    const test = /\.test\.yaml$/.test(path);
    if (/^\s*(-\s*)?pattern:\s*\S*$/.test(before)) return DSL_PATTERNS.map((p) => ({ label: p, type: 'enum' }));
    if (/severity:\s*\S*$/.test(before)) return SEVERITIES.map((s) => ({ label: s, type: 'enum' }));
    if (/seasonal:\s*\S*$/.test(before)) return SEASONS.map((s) => ({ label: s, type: 'enum' }));
    if (/(event|type):\s*\S*$/.test(before)) return types.map((t) => ({ label: t.name, type: 'class' }));
    const fields = types.flatMap((t) => t.fields.map((f) => ({ label: f.name, type: 'property', detail: `${t.name}.${f.name} : ${f.type}` })));
    if (/condition:\s*.*$/.test(before)) {
      return fields.concat(BASELINE_FIGURES.map((f) => ({ label: f, type: 'variable', detail: 'baseline figure' })));
    }
    if (/(per|field|where):\s*.*$/.test(before)) return fields;
    const keys = (test ? TEST_KEYS : DSL_KEYS).map((k) => ({ label: k, type: 'keyword', apply: `${k}: ` }));
    return keys.concat(fields);
  }
  // DRL: fields of the type whose parentheses the cursor is in, else everything.
  const open = /([A-Z][\w]*)\s*\(([^()]*)$/.exec(before);
  const inType = open && types.find((t) => t.name === open[1]);
  const fieldOptions = (t) => t.fields.map((f) => ({ label: f.name, type: 'property', detail: `${t.name} : ${f.type}` }));
  if (/@\w*$/.test(before)) return METADATA.map((m) => ({ label: m, type: 'keyword' }));
  const temporal = TEMPORAL_OPERATORS.map((op) => ({ label: op, type: 'keyword', detail: 'temporal operator' }));
  if (inType) return fieldOptions(inType).concat(temporal);
  return [
    ...types.map((t) => ({ label: t.name, type: 'class', detail: 'event type' })),
    ...types.flatMap(fieldOptions),
    ...temporal,
    ...WINDOWS.map((w) => ({ label: `${w}()`, type: 'function' })),
    ...ACCUMULATE_FUNCTIONS.map((f) => ({ label: `${f}()`, type: 'function' })),
    ...KEYWORDS.map((k) => ({ label: k, type: 'keyword' })),
  ];
}
