// Every deployed rule set with its version, clock, counters and state; a new one from a template.

import { enc, get } from './api.js';
import { busy, fill, h, showError } from './dom.js';
import { managedState } from './managed.js';
import { ruleSetNameProblem } from './names.js';
import { TEMPLATES } from './templates.js';

export function ruleSetsScreen(app, session) {
  const slot = h('div');
  const body = h('tbody');
  const table = h('table.list', { id: 'rulesets' },
    h('thead', h('tr', ['Rule set', 'Version', 'State', 'Clock', 'Rules', 'Events in', 'Late events', 'Alerts out'].map((c) => h('th', c)))),
    body);

  const nameInput = h('input', { id: 'new-name', placeholder: 'name', required: true });
  const nameProblem = h('span.bad', { id: 'new-name-problem', role: 'alert' });
  const createButton = h('button', { type: 'submit', id: 'create', disabled: true }, 'Create');
  const checkName = () => {
    const problem = nameInput.value === '' ? null : ruleSetNameProblem(nameInput.value.trim());
    nameProblem.textContent = problem ?? '';
    createButton.disabled = nameInput.value.trim() === '' || problem !== null;
    return problem === null;
  };
  nameInput.addEventListener('input', checkName);
  const template = h('select', { id: 'new-template' },
    Object.entries(TEMPLATES).map(([id, t]) => h('option', { value: id }, t.label)));
  const create = h('form.inline', {
    onsubmit: (ev) => {
      ev.preventDefault();
      if (!checkName()) return;
      location.hash = `#/editor/${enc(nameInput.value.trim())}?template=${template.value}`;
    },
  }, h('strong', 'New rule set '), nameInput, ' from ', template, ' ', createButton, ' ', nameProblem);

  fill(app, h('section',
    h('div.toolbar', h('h2', 'Rule sets'), h('button', { onclick: () => load() }, 'Refresh')),
    session.can('rules:write') ? create : h('p.muted', 'This token cannot write rules (rules:write): new rule sets and deploys are off.'),
    slot, table));

  async function load() {
    await busy(null, slot, async () => {
      const list = await get('/api/v1/rulesets');
      const details = await Promise.all(list.map((r) => get(`/api/v1/rulesets/${enc(r.name)}`).catch(() => null)));
      fill(body, list.length === 0 ? h('tr', h('td.muted', { colSpan: 8 }, 'None yet: no rule set is deployed.')) : list.map((r, i) => {
        const d = details[i];
        const managed = managedState(r);
        return h('tr', { dataset: { name: r.name } },
          h('td', h('a', { href: `#/editor/${enc(r.name)}` }, r.name),
            managed ? [' ', h('span.badge.managed', { title: managed.note }, managed.badge)] : null,
            managed?.drift ? [' ', h('span.badge.drift', { title: managed.drift }, 'folder differs')] : null),
          h('td', `v${r.version}`),
          h('td', h(`span.state.${r.state}`, r.state), r.reason ? h('div.reason', r.reason) : null),
          h('td', d?.settings?.clock ?? ''),
          h('td.num', r.rules),
          h('td.num', r.eventsProcessed),
          h('td.num', d ? d.stats?.lateEvents ?? 0 : ''),
          h('td.num', r.alerts));
      }));
    });
  }
  load().catch((e) => showError(slot, e));
  const timer = setInterval(load, 5000);
  return () => clearInterval(timer);
}
