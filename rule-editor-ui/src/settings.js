// A rule set's settings (clock, lateness, late policy, idle timeout, unknown fields, queue, firings
// per step, partition key, partitions, cross-key joins, source of the events) as a form: a change is
// validated with the files and deployed with them.

import { fill, h } from './dom.js';
import { sourceInput } from './source.js';

const FIELDS = [
  { key: 'clock', label: 'Clock', options: ['event-time', 'realtime'],
    help: 'event-time: the events\' own times drive a pseudo clock; realtime: the wall clock' },
  { key: 'lateness', label: 'Allowed lateness', placeholder: '2s', help: 'how far behind the newest event one may arrive and still be in order' },
  { key: 'latePolicy', label: 'Late events', options: ['process', 'drop'], help: 'what happens to events later than that' },
  { key: 'idleTimeout', label: 'Idle timeout', placeholder: '1s', help: 'after this long without events, time follows the wall clock' },
  { key: 'allowUnknownFields', label: 'Allow unknown fields', checkbox: true, help: 'take events with fields their type does not declare' },
  { key: 'queueCapacity', label: 'Queue capacity', number: true, help: 'events waiting for the rules before posts get 429' },
  { key: 'maxFiringsPerStep', label: 'Firings per step', number: true, help: 'more rule firings for one event fail the rule set as looping' },
  { key: 'partitions', label: 'Partitions', number: true, placeholder: 'one per core',
    help: 'sessions a partitioned rule set runs as, each on a thread of its own (1 to 256)' },
  { key: 'acceptCrossKeyJoins', label: 'Accept cross-key joins', checkbox: true,
    help: 'deploy rules that join events of different keys anyway: partitioned, they see only their own key' },
];

/**
 * The partition key a text names: {@code undefined} for none, a field name ({@code cardId}) for
 * every event type, or an object of type to field for {@code Transaction=cardId, FraudReport=cardId}.
 * A list that is not of that form is passed on as it is, for the server to say what is wrong.
 */
export function parsePartitionKey(text) {
  const trimmed = (text ?? '').trim();
  if (trimmed === '') return undefined;
  if (!trimmed.includes('=')) return trimmed;
  const byType = {};
  for (const part of trimmed.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const pair = /^([^=]*)=([^=]*)$/.exec(part);
    if (!pair) return trimmed;
    byType[pair[1].trim()] = pair[2].trim();
  }
  return byType;
}

/** The text of a partition key, as {@link parsePartitionKey} reads it. */
export function formatPartitionKey(key) {
  if (key === undefined || key === null) return '';
  if (typeof key === 'string') return key;
  return Object.entries(key).map(([type, field]) => `${type}=${field}`).join(', ');
}

/** The key field of event type {@code type} under {@code key}, or ''. */
export function partitionKeyOf(key, type) {
  if (typeof key === 'string') return key;
  if (key && typeof key === 'object') return key[type] ?? key['*'] ?? '';
  return '';
}

/**
 * The partition key after the per-type table was changed: the table's {@code [type, field]} rows
 * (an empty field: that type has none), and the entries of {@code key} for types not in it.
 */
export function partitionKeyFromTable(key, rows) {
  const inTable = new Set(rows.map(([type]) => type));
  const byType = key && typeof key === 'object'
    ? Object.fromEntries(Object.entries(key).filter(([type]) => !inTable.has(type))) : {};
  for (const [type, field] of rows) {
    if (field) byType[type] = field;
  }
  return Object.keys(byType).length ? byType : undefined;
}

/**
 * The partition key: a text of one field or {@code Type=field} pairs, and, once the rule set's
 * event types are known, a table of each type and a choice of its fields.
 */
function partitionKeyInput(context, canWrite, onChange) {
  const text = h('input', { id: 'setting-partitionBy', type: 'text', placeholder: 'cardId, or Transaction=cardId, FraudReport=cardId', disabled: !canWrite });
  const table = h('table.list.partition-types', { id: 'setting-partitionBy-types' });
  let shownTypes = null;

  function set(key) {
    const settings = context.settings();
    if (key === undefined) delete settings.partitionBy;
    else settings.partitionBy = key;
    refresh();
    onChange();
  }

  text.addEventListener('change', () => set(parsePartitionKey(text.value)));

  function selects() {
    return [...table.querySelectorAll('select')];
  }

  /** Builds the table for the rule set's event types, unless it shows them already; whether it did. */
  function buildTable() {
    const types = context.eventTypes() || [];
    const signature = JSON.stringify(types.map((t) => [t.name, t.fields.map((f) => f.name)]));
    if (signature === shownTypes) return false;
    shownTypes = signature;
    table.hidden = types.length === 0;
    fill(table, types.length === 0 ? null : [
      h('thead', h('tr', h('th', 'Event type'), h('th', 'Key field'))),
      h('tbody', types.map((t) => {
        const select = h('select', { id: `setting-partitionBy-${t.name}`, dataset: { type: t.name }, disabled: !canWrite },
          h('option', { value: '' }, '(none: every partition)'), t.fields.map((f) => h('option', { value: f.name }, f.name)));
        select.addEventListener('change', () => set(partitionKeyFromTable(context.settings().partitionBy,
          selects().map((s) => [s.dataset.type, s.value]))));
        return h('tr', h('td', t.name), h('td', select));
      })),
    ]);
    return true;
  }

  function refresh() {
    buildTable();
    text.value = formatPartitionKey(context.settings().partitionBy);
    showTable();
  }

  function showTable() {
    const key = context.settings().partitionBy;
    for (const select of selects()) {
      const field = partitionKeyOf(key, select.dataset.type);
      if (field && ![...select.options].some((o) => o.value === field)) select.append(h('option', { value: field }, field));
      select.value = field;
    }
  }

  const element = h('div.partition-key',
    h('label.setting', h('span', 'Partition key'), text,
      h('small.muted', 'the field that names what the rules are about (a card, a host): one for every event type, or one per type')),
    table);
  // The text is left alone when the types change: it may be half typed.
  const eventTypesChanged = () => {
    if (buildTable()) showTable();
  };
  return { element, refresh, eventTypesChanged };
}

/**
 * Fills {@code root} with the form; {@code context.settings()} is read and changed in place, and
 * {@code onChange} runs after each change; {@code context.kafka()} is the rule set view's Kafka
 * consumer, if any. Returns {@code refresh()}, to show settings loaded later,
 * and {@code eventTypesChanged()}, to offer the fields of the types the last validation found.
 */
export function settingsPanel(root, context, onChange) {
  const canWrite = context.session.can('rules:write');
  const inputs = new Map();
  const rows = FIELDS.map((f) => {
    let input;
    if (f.options) {
      input = h('select', { id: `setting-${f.key}`, disabled: !canWrite }, f.options.map((o) => h('option', { value: o }, o)));
    } else if (f.checkbox) {
      input = h('input', { id: `setting-${f.key}`, type: 'checkbox', disabled: !canWrite });
    } else {
      input = h('input', { id: `setting-${f.key}`, type: f.number ? 'number' : 'text', placeholder: f.placeholder ?? '', disabled: !canWrite });
    }
    input.addEventListener('change', () => {
      const settings = context.settings();
      const value = f.checkbox ? input.checked : input.value.trim();
      if (value === '') delete settings[f.key];
      else settings[f.key] = f.number ? Number(value) : value;
      onChange();
    });
    inputs.set(f.key, input);
    return h('label.setting', h('span', f.label), input, h('small.muted', f.help));
  });
  const partitionKey = partitionKeyInput(context, canWrite, onChange);
  rows.splice(FIELDS.findIndex((f) => f.key === 'partitions'), 0, partitionKey.element);
  const source = sourceInput(context, canWrite, onChange);
  fill(root, h('h3', 'Settings'), h('p.muted', 'Validated with the files while you edit, and deployed with them.'), rows,
    h('h4', 'Source'), source.element);

  function refresh() {
    const settings = context.settings();
    for (const f of FIELDS) {
      const input = inputs.get(f.key);
      const value = settings[f.key];
      if (f.checkbox) input.checked = value === true;
      else input.value = value === undefined || value === null ? (f.options ? f.options[0] : '') : String(value);
    }
    partitionKey.refresh();
    source.refresh();
  }
  refresh();
  return { refresh, eventTypesChanged: partitionKey.eventTypesChanged };
}
