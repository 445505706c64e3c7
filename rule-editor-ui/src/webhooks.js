// Webhook subscriptions: list, subscribe, unsubscribe, send a test, and each one's delivery log
// with a retry of what is not delivered.

import { enc, del, get, post } from './api.js';
import { busy, fill, h, time } from './dom.js';
import { attemptText } from './progress.js';

export function webhooksScreen(app) {
  const slot = h('div');
  const rows = h('tbody');
  const log = h('div', { id: 'deliveries' });
  const url = h('input', { id: 'hook-url', type: 'url', placeholder: 'https://hooks.example.com/vigil', size: 36, required: true });
  const rulesets = h('input', { id: 'hook-rulesets', placeholder: 'rule sets, comma-separated', size: 20 });
  const severity = h('select', { id: 'hook-severity' }, ['low', 'medium', 'high', 'critical'].map((s) => h('option', { value: s }, s)));
  const format = h('select', { id: 'hook-format' }, ['vigil', 'alertmanager', 'slack'].map((s) => h('option', { value: s }, s)));
  const created = h('div');
  const submit = h('button.primary', { type: 'submit' }, 'Subscribe');
  const form = h('form.inline', {
    onsubmit: (ev) => {
      ev.preventDefault();
      busy(submit, slot, async () => {
        const list = rulesets.value.split(',').map((s) => s.trim()).filter(Boolean);
        const answer = await post('/api/v1/webhooks', {
          url: url.value.trim(), format: format.value, filter: { ...(list.length ? { rulesets: list } : {}), minSeverity: severity.value },
        });
        fill(created, h('p.ok', `Subscribed ${answer.id}. Its secret, shown once: `, h('code', answer.secret)));
        await load();
      });
    },
  }, url, ' ', rulesets, ' min ', severity, ' ', format, ' ', submit);

  fill(app, h('section', h('div.toolbar', h('h2', 'Webhooks')), form, created, slot,
    h('table.list', { id: 'webhooks' }, h('thead', h('tr', ['Id', 'URL', 'Format', 'Filter', 'Created', ''].map((c) => h('th', c)))), rows),
    log));

  async function deliveries(hook, outcome) {
    const page = await get(`/api/v1/webhooks/${enc(hook.id)}/deliveries?limit=100`);
    const retry = (d) => h('button.retry', {
      title: 'send it again now',
      onclick: (ev) => busy(ev.currentTarget, slot, async () => {
        const attempt = await post(`/api/v1/webhooks/${enc(hook.id)}/deliveries/${enc(d.alertId)}/retry`);
        await deliveries(hook, `Retried ${d.alertId}: ${attemptText(attempt)}`);
      }),
    }, 'Retry now');
    fill(log, h('h3', `Deliveries of ${hook.id} to ${hook.url}`),
      outcome ? h('p.attempt', { id: 'attempt' }, outcome) : null,
      page.deliveries.length === 0 ? h('p.muted', 'Nothing delivered yet.') : h('table.list',
        h('thead', h('tr', ['Alert', 'State', 'Attempts', 'Last status', 'Last error', 'Next attempt', 'Delivered', ''].map((c) => h('th', c)))),
        h('tbody', page.deliveries.map((d) => h(`tr.${d.state}`, { dataset: { alert: d.alertId } }, h('td', h('code', d.alertId)), h('td', d.state),
          h('td.num', d.attempts), h('td', d.lastStatus ?? ''), h('td', d.lastError ?? ''), h('td', time(d.nextAttempt)),
          h('td', time(d.deliveredAt)), h('td', d.state === 'delivered' ? null : retry(d)))))));
  }

  async function sendTest(hook) {
    const attempt = await post(`/api/v1/webhooks/${enc(hook.id)}/test`);
    await deliveries(hook, `Test ${attempt.alertId}: ${attemptText(attempt)}`);
  }

  async function load() {
    const hooks = await get('/api/v1/webhooks');
    fill(rows, hooks.length === 0 ? h('tr', h('td', { colSpan: 6 }, 'No subscriptions.')) : hooks.map((hook) => h('tr',
      h('td', h('code', hook.id)), h('td', hook.url), h('td', hook.format),
      h('td', `${(hook.filter.rulesets || []).join(', ') || 'every rule set'}${hook.filter.rules?.length ? `; rules ${hook.filter.rules.join(', ')}` : ''}; ${hook.filter.minSeverity} or higher`),
      h('td', time(hook.createdAt)),
      h('td',
        h('button', { onclick: (ev) => busy(ev.currentTarget, slot, () => deliveries(hook)) }, 'Deliveries'), ' ',
        h('button.send-test', { onclick: (ev) => busy(ev.currentTarget, slot, () => sendTest(hook)) }, 'Send test'), ' ',
        h('button.danger', {
          onclick: (ev) => busy(ev.currentTarget, slot, async () => {
            if (!window.confirm(`Unsubscribe ${hook.url}?`)) return;
            await del(`/api/v1/webhooks/${enc(hook.id)}`);
            fill(log);
            await load();
          }),
        }, 'Delete')))));
  }
  busy(null, slot, load);
  return () => {};
}
