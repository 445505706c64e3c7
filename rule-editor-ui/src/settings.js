// A rule set's settings (clock, lateness, late policy, idle timeout, unknown fields, queue, firings
// per step) as a form: a change is validated with the files and deployed with them.

import { fill, h } from './dom.js';

const FIELDS = [
  { key: 'clock', label: 'Clock', options: ['event-time', 'realtime'],
    help: 'event-time: the events\' own times drive a pseudo clock; realtime: the wall clock' },
  { key: 'lateness', label: 'Allowed lateness', placeholder: '2s', help: 'how far behind the newest event one may arrive and still be in order' },
  { key: 'latePolicy', label: 'Late events', options: ['process', 'drop'], help: 'what happens to events later than that' },
  { key: 'idleTimeout', label: 'Idle timeout', placeholder: '1s', help: 'after this long without events, time follows the wall clock' },
  { key: 'allowUnknownFields', label: 'Allow unknown fields', checkbox: true, help: 'take events with fields their type does not declare' },
  { key: 'queueCapacity', label: 'Queue capacity', number: true, help: 'events waiting for the rules before posts get 429' },
  { key: 'maxFiringsPerStep', label: 'Firings per step', number: true, help: 'more rule firings for one event fail the rule set as looping' },
];

/**
 * Fills {@code root} with the form; {@code context.settings()} is read and changed in place, and
 * {@code onChange} runs after each change. Returns {@code refresh()}, to show settings loaded later.
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
  fill(root, h('h3', 'Settings'), h('p.muted', 'Validated with the files while you edit, and deployed with them.'), rows);

  function refresh() {
    const settings = context.settings();
    for (const f of FIELDS) {
      const input = inputs.get(f.key);
      const value = settings[f.key];
      if (f.checkbox) input.checked = value === true;
      else input.value = value === undefined || value === null ? (f.options ? f.options[0] : '') : String(value);
    }
  }
  refresh();
  return { refresh };
}
