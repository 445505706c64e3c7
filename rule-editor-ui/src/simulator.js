// The simulator: events sent to the rule set as it is in the editor (the draft, not the deployed
// version), through an inline replay that changes nothing live. One event at a time from a form
// built from its declared type, or a batch as NDJSON or a JSON array; each run replays the whole
// batch, so what fires is what the batch makes fire, and each event shows the alerts it raised.

import { ApiError, post } from './api.js';
import { alertDetails } from './alertview.js';
import { busy, fill, h } from './dom.js';
import { jsonEvents } from './events.js';

const INTEGRAL = new Set(['int', 'long', 'short', 'byte', 'Integer', 'Long', 'Short', 'Byte', 'java.lang.Integer', 'java.lang.Long',
  'java.math.BigInteger', 'BigInteger']);
const DECIMAL = new Set(['double', 'float', 'Double', 'Float', 'java.lang.Double', 'java.lang.Float', 'java.math.BigDecimal', 'BigDecimal']);
const BOOLEAN = new Set(['boolean', 'Boolean', 'java.lang.Boolean']);
const TIME = /(Date|Instant|LocalDateTime|OffsetDateTime|ZonedDateTime)$/;

/** The input a declared field takes: number (integral or not), checkbox, an instant as text, or text. */
export function inputOf(javaType) {
  if (INTEGRAL.has(javaType)) return { kind: 'number', step: '1' };
  if (DECIMAL.has(javaType)) return { kind: 'number', step: 'any' };
  if (BOOLEAN.has(javaType)) return { kind: 'checkbox' };
  if (TIME.test(javaType)) return { kind: 'instant' };
  return { kind: 'text' };
}

/**
 * The form of an event type: one input per declared field, but the id (generated) and the
 * timestamp field and {@code time} (which the event's time fills).
 */
export function formFields(eventType) {
  const skip = new Set(['id', 'time', eventType.timestampField]);
  return eventType.fields.filter((f) => !skip.has(f.name)).map((f) => ({ name: f.name, type: f.type, ...inputOf(f.type) }));
}

/** The next generated id: sim-1, sim-2, ... the first not taken by an event of the batch. */
export function nextId(batch) {
  const taken = new Set(batch.map((e) => String(e.id)));
  let n = batch.length + 1;
  while (taken.has(`sim-${n}`)) n++;
  return `sim-${n}`;
}

/**
 * An event from the form's values (field name to the input's text, or a boolean for a checkbox):
 * numbers as numbers, an empty input left out, the type, id and time first.
 */
export function eventFromForm(type, fields, values, { id, time }) {
  const event = { type, id, time };
  for (const f of fields) {
    const v = values[f.name];
    if (f.kind === 'checkbox') {
      event[f.name] = !!v;
    } else if (v !== undefined && String(v).trim() !== '') {
      if (f.kind === 'number') {
        const n = Number(v);
        if (!Number.isFinite(n)) throw new Error(`${f.name}: '${v}' is not a number`);
        event[f.name] = n;
      } else {
        event[f.name] = String(v).trim();
      }
    }
  }
  return event;
}

/**
 * Each event of the batch with the alerts it triggered: an alert belongs to the last event of the
 * batch among its evidence; alerts none of whose evidence is in the batch (an absence that fired
 * as time passed) are listed apart.
 */
export function alertsPerEvent(events, alerts) {
  const position = new Map(events.map((e, i) => [String(e.id), i]));
  const rows = events.map((event) => ({ event, alerts: [] }));
  const other = [];
  for (const alert of alerts) {
    const at = (alert.evidence || []).map((id) => position.get(String(id))).filter((i) => i !== undefined);
    if (at.length) rows[Math.max(...at)].alerts.push(alert);
    else other.push(alert);
  }
  return { rows, other };
}

/** The batch's text as events: NDJSON or a JSON array; each without an id gets one, so evidence can name it. */
export function batchEvents(text) {
  const events = text.trim() ? jsonEvents(text) : [];
  const given = events.filter((e) => e.id != null);
  const out = [];
  for (const e of events) out.push(e.id == null ? { ...e, id: nextId([...given, ...out]) } : e);
  return out;
}

export function simulatorPanel(root, context) {
  const slot = h('div', { id: 'sim-error' });
  const typeSelect = h('select', { id: 'sim-type' });
  const fieldsHost = h('div.fields', { id: 'sim-fields' });
  const batchText = h('textarea', { id: 'sim-batch', rows: 6, spellcheck: false, placeholder: '{"type": "Transaction", "cardId": "c1", "amount": 10, "time": "2026-11-20T10:00:00Z"}' });
  const results = h('div', { id: 'sim-results' });
  const details = h('div');
  const canRun = context.session.can('rules:write');
  const addButton = h('button.primary', { id: 'sim-send', disabled: !canRun, onclick: () => busy(addButton, slot, addAndRun) }, 'Add and run');
  const runButton = h('button', { id: 'sim-run', disabled: !canRun, onclick: () => busy(runButton, slot, run) }, 'Run batch');
  const clearButton = h('button', { id: 'sim-clear', onclick: () => { batchText.value = ''; fill(results); fill(details); } }, 'Clear');
  let inputs = [];
  let fields = [];
  let rendered = null;

  typeSelect.addEventListener('change', renderForm);
  fill(root, h('div.simulator',
    h('h3', 'Simulator'),
    h('p.muted', canRun
      ? 'Sends events to the rules as they are in the editor (not deployed), apart from everything live: each run replays the whole batch.'
      : 'Running rules that are not deployed needs the scope rules:write.'),
    h('div.inline', 'Event type ', typeSelect),
    fieldsHost,
    h('div.inline', addButton, ' ', runButton, ' ', clearButton),
    h('label.muted', { htmlFor: 'sim-batch' }, 'Batch (NDJSON or a JSON array; the form adds a line)'),
    batchText, slot, results, details));

  function renderForm() {
    const type = context.eventTypes().find((t) => t.name === typeSelect.value);
    rendered = JSON.stringify(type ?? null);
    if (!type) {
      fill(fieldsHost, h('p.muted', 'The rules declare no event type yet.'));
      inputs = [];
      return;
    }
    fields = formFields(type);
    const timeInput = h('input', { id: 'sim-time', value: new Date().toISOString(), size: 26 });
    const idInput = h('input', { id: 'sim-id', placeholder: 'generated', size: 14 });
    inputs = fields.map((f) => h('input', {
      id: `sim-field-${f.name}`,
      dataset: { field: f.name },
      type: f.kind === 'number' ? 'number' : f.kind === 'checkbox' ? 'checkbox' : 'text',
      step: f.step,
      placeholder: f.kind === 'instant' ? '2026-11-20T10:00:00Z' : f.type,
      size: 18,
    }));
    fill(fieldsHost,
      h('label', { htmlFor: 'sim-time' }, 'time'), timeInput,
      h('label', { htmlFor: 'sim-id' }, 'id'), idInput,
      fields.map((f, i) => [h('label', { htmlFor: inputs[i].id, title: f.type }, `${f.name} `, h('small', f.type)), inputs[i]]));
  }

  function formEvent(batch) {
    const values = Object.fromEntries(inputs.map((el) => [el.dataset.field, el.type === 'checkbox' ? el.checked : el.value]));
    const time = fieldsHost.querySelector('#sim-time').value.trim() || new Date().toISOString();
    const id = fieldsHost.querySelector('#sim-id').value.trim() || nextId(batch);
    return eventFromForm(typeSelect.value, fields, values, { id, time });
  }

  async function addAndRun() {
    if (!typeSelect.value) throw new Error('the rules declare no event type to send');
    const batch = batchEvents(batchText.value);
    const event = formEvent(batch);
    batchText.value = `${batchText.value.trimEnd()}${batchText.value.trim() ? '\n' : ''}${JSON.stringify(event)}\n`;
    fieldsHost.querySelector('#sim-id').value = '';
    await run();
  }

  async function run() {
    const events = batchEvents(batchText.value);
    if (!events.length) throw new Error('the batch is empty: fill in the form and add an event, or paste events');
    let result;
    try {
      result = await post('/api/v1/replays', { files: context.ruleFiles(), settings: context.settings(), events });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'rules_do_not_compile') {
        fill(results, h('div.sim-compile', { id: 'sim-compile-errors' },
          h('p.bad', 'The rules in the editor do not compile, so nothing ran:'),
          h('ul', e.details.map((d) => h('li', `${d.file ?? ''}:${d.line ?? 0}:${d.column ?? 0}: ${d.message}`)))));
        return;
      }
      throw e;
    }
    show(events, result);
  }

  function show(events, result) {
    const byId = new Map(events.map((e) => [String(e.id), e]));
    const { rows, other } = alertsPerEvent(events, result.alerts || []);
    const errors = new Map((result.errors || []).map((e) => [e.index, e]));
    const total = (result.alerts || []).length;
    fill(details);
    fill(results,
      h('p', { id: 'sim-summary' }, `${events.length} event${events.length === 1 ? '' : 's'} run, ${total} alert${total === 1 ? '' : 's'}`),
      h('ol.sim-results', rows.map((row, i) => h('li', { dataset: { id: row.event.id } },
        h('code.event', JSON.stringify(row.event)),
        errors.has(i) ? h('div.bad', `not taken: ${errors.get(i).field ? `${errors.get(i).field}: ` : ''}${errors.get(i).message}`) : null,
        row.alerts.length ? row.alerts.map((a) => alertRow(a, byId)) : h('div.sim-none', 'nothing fired')))),
      other.length ? [h('h4', 'Raised as time passed'), other.map((a) => alertRow(a, byId))] : null);
  }

  function alertRow(a, byId) {
    const attributes = Object.keys(a.attributes || {}).length ? ` ${JSON.stringify(a.attributes)}` : '';
    return h('div.sim-alert', { dataset: { rule: a.rule }, title: 'show the alert', onclick: () => alertDetails(details, a, byId) },
      h('span.sev', a.severity), ' ', h('b', a.rule), ` ${a.key}: ${a.message}`, h('span.muted', attributes),
      h('div.why', `what triggered: ${(a.evidence || []).join(', ') || 'nothing in the batch'}`));
  }

  /** Offers the draft's event types; the form is built again only when its type changed, so typed values stay. */
  function eventTypesChanged() {
    const types = context.eventTypes();
    const current = typeSelect.value;
    fill(typeSelect, types.map((t) => h('option', { value: t.name }, t.name)));
    if (types.some((t) => t.name === current)) typeSelect.value = current;
    if (JSON.stringify(types.find((t) => t.name === typeSelect.value) ?? null) !== rendered) renderForm();
  }

  eventTypesChanged();
  return { eventTypesChanged };
}
