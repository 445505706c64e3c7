// A rule set's versions: a diff between any two (or against the editor), and rollback.

import { enc, get, post } from './api.js';
import { busy, fill, h, time } from './dom.js';
import { diffFiles } from './diff.js';

export function versionsPanel(root, context) {
  const slot = h('div');
  const list = h('tbody');
  const from = h('select', { id: 'diff-from' });
  const to = h('select', { id: 'diff-to' });
  const out = h('div.diff', { id: 'diff' });
  const showDiff = h('button', { id: 'show-diff', onclick: () => busy(showDiff, slot, diff) }, 'Diff');
  // A diff shown is of the versions selected when it was made: another selection clears it.
  [from, to].forEach((select) => select.addEventListener('change', () => fill(out)));

  fill(root, h('h3', 'Versions'), slot,
    h('table.list', { id: 'versions' }, h('thead', h('tr', ['Version', 'Deployed', 'Files', ''].map((c) => h('th', c)))), list),
    h('div.inline', 'Diff ', from, ' against ', to, ' ', showDiff), out);

  async function filesOf(value) {
    if (value === 'editor') return context.files();
    return (await get(`/api/v1/rulesets/${enc(context.name)}/versions/${value}`)).files;
  }

  async function diff() {
    const [a, b] = await Promise.all([filesOf(from.value), filesOf(to.value)]);
    const files = diffFiles(a, b);
    fill(out, files.map((f) => h('div.file',
      h(`div.file-head.${f.status}`, `${f.path}: ${f.status}`),
      f.status === 'same' ? null : h('pre', f.lines.map((l) => h(`div.line${l.op === '+' ? '.added' : l.op === '-' ? '.removed' : ''}`,
        `${l.op} ${l.text}`))))));
  }

  async function refresh() {
    await busy(null, slot, async () => {
      let versions = [];
      try {
        versions = await get(`/api/v1/rulesets/${enc(context.name)}/versions`);
      } catch (e) {
        if (e.status !== 404) throw e;
      }
      versions.sort((a, b) => b.version - a.version);
      fill(out);
      const active = context.deployedVersion();
      fill(list, versions.length === 0 ? h('tr', h('td.muted', { colSpan: 4 }, 'None yet: the rule set is not deployed.')) : versions.map((v) => h('tr', { dataset: { version: v.version } },
        h('td', `v${v.version}${v.version === active ? ' (active)' : ''}`),
        h('td', time(v.deployedAt)),
        h('td', (v.files || []).join(', ')),
        h('td', v.version !== active && context.editable() ? h('button', {
          className: 'rollback',
          onclick: (ev) => busy(ev.currentTarget, slot, async () => {
            if (!window.confirm(`Roll ${context.name} back to version ${v.version}? It is deployed as a new version.`)) return;
            const answer = await post(`/api/v1/rulesets/${enc(context.name)}/rollback`, { version: v.version });
            await context.rolledBack(answer.version, v.version);
          }),
        }, `Roll back to v${v.version}`) : null))));
      const options = () => [h('option', { value: 'editor' }, 'the editor'), ...versions.map((v) => h('option', { value: v.version }, `v${v.version}`))];
      fill(from, options());
      fill(to, options());
      if (versions.length) from.value = String(versions[0].version);
      to.value = 'editor';
    });
  }

  return { refresh };
}
