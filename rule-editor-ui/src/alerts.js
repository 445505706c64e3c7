// Live alerts: the stored ones, a page at a time within a range of event time, then each new one
// as the server streams it; newest first.

import { ApiError, enc, get, post, token } from './api.js';
import { alertDetails } from './alertview.js';
import { alertRange, alertsPath, inRange } from './alertpages.js';
import { busy, fill, h, showError, time } from './dom.js';
import { openStream } from './sse.js';

const SEVERITIES = ['low', 'medium', 'high', 'critical'];
const KEEP = 500;

export function alertsScreen(app, session) {
  const slot = h('div');
  const state = h('span.status', { id: 'stream-state' }, 'connecting…');
  const ruleSetFilter = h('input', { id: 'alerts-ruleset', placeholder: 'rule set', size: 12 });
  const textFilter = h('input', { id: 'alerts-filter', placeholder: 'rule, key or message', size: 18 });
  const severityFilter = h('select', { id: 'alerts-severity' }, h('option', { value: '' }, 'any severity'),
    SEVERITIES.map((s) => h('option', { value: s }, `${s} or higher`)));
  const sinceInput = h('input', { id: 'alerts-since', placeholder: 'since 2026-11-20T00:00:00Z', size: 24 });
  const untilInput = h('input', { id: 'alerts-until', placeholder: 'until (event time)', size: 24 });
  const apply = h('button', { id: 'alerts-apply', onclick: () => busy(apply, slot, () => loadPage(true)) }, 'Show range');
  const more = h('button', { id: 'alerts-more', hidden: true, onclick: () => busy(more, slot, () => loadPage(false)) }, 'Load more');
  const pageInfo = h('span.muted', { id: 'alerts-page' });
  let range = { since: null, until: null };
  let next = null;
  const rows = h('tbody');
  const details = h('div');
  const alerts = [];
  const seen = new Set();
  const canAck = session.can('alerts:read');

  fill(app, h('section',
    h('div.toolbar', h('h2', 'Live alerts'), state),
    h('div.inline', 'Filter: ', ruleSetFilter, ' ', textFilter, ' ', severityFilter),
    h('div.inline', 'Event time: ', sinceInput, ' ', untilInput, ' ', apply),
    slot,
    h('div.split',
      h('div.left', h('table.list', { id: 'live-alerts' },
        h('thead', h('tr', ['Event time', 'Rule set', 'Rule', 'Key', 'Severity', 'Message', ''].map((c) => h('th', c)))), rows),
        h('div.pager', pageInfo, more)),
      h('div.right', details))));
  [ruleSetFilter, textFilter, severityFilter].forEach((el) => el.addEventListener('input', render));

  function add(alert, front) {
    if (seen.has(alert.id)) return;
    seen.add(alert.id);
    if (!front) {
      alerts.push(alert);
      return;
    }
    if (!inRange(alert, range)) return;
    alerts.unshift(alert);
    if (alerts.length > KEEP) seen.delete(alerts.pop().id);
  }

  function render() {
    const rs = ruleSetFilter.value.trim();
    const text = textFilter.value.trim().toLowerCase();
    const min = SEVERITIES.indexOf(severityFilter.value);
    fill(rows, alerts.filter((a) => (!rs || a.ruleSet === rs) && (min < 0 || SEVERITIES.indexOf(a.severity) >= min)
      && (!text || `${a.rule} ${a.key} ${a.message}`.toLowerCase().includes(text))).map((a) => {
      const ack = h('button.ack', {
        disabled: a.acked || !canAck,
        onclick: (ev) => {
          ev.stopPropagation();
          busy(ev.currentTarget, slot, async () => {
            const updated = await post(`/api/v1/alerts/${enc(a.id)}/ack`);
            a.acked = updated.acked;
            render();
          });
        },
      }, a.acked ? 'acked' : 'Ack');
      return h(`tr.sev-${a.severity}`, {
        dataset: { id: a.id, rule: a.rule },
        onclick: () => busy(null, slot, async () => alertDetails(details, await get(`/api/v1/alerts/${enc(a.id)}`))),
      }, h('td', time(a.eventTime)), h('td', a.ruleSet), h('td', a.rule), h('td', a.key), h('td', a.severity), h('td', a.message), h('td', ack));
    }));
  }

  // Subscribe first, then read what is stored, so that nothing raised in between is missed. A
  // dropped stream is opened again after a pause, unless the server refused it (401, 403).
  let close = () => {};
  let retry = null;
  const connect = () => {
    close = openStream('/api/v1/alerts/stream', { Authorization: `Bearer ${token()}` }, (ev) => {
      if (ev.event !== 'alert') return;
      add(JSON.parse(ev.data), true);
      render();
    }, (s) => {
      const live = s === 'open';
      state.textContent = live ? 'live' : 'disconnected';
      state.className = `status ${live ? 'ok' : 'bad'}`;
      if (live) {
        showError(slot, null);
        return;
      }
      if (s instanceof Error) showError(slot, s);
      if (!(s instanceof ApiError && (s.status === 401 || s.status === 403))) retry = setTimeout(connect, 3000);
    });
  };
  connect();
  // A page of stored alerts within the range: the first (again) or the next after the last one shown.
  async function loadPage(first) {
    if (first) {
      range = alertRange(sinceInput.value, untilInput.value);
      next = null;
    }
    const page = await get(alertsPath(range, first ? null : next));
    if (first) {
      alerts.length = 0;
      seen.clear();
    }
    page.alerts.forEach((a) => add(a, false));
    next = page.next;
    more.hidden = !next;
    const bounds = range.since || range.until ? ` with event time${range.since ? ` from ${time(range.since)}` : ''}${range.until ? ` before ${time(range.until)}` : ''}` : '';
    pageInfo.textContent = `${alerts.length} alert${alerts.length === 1 ? '' : 's'}${bounds}${next ? '; more are stored' : ''}`;
    render();
  }
  busy(null, slot, () => loadPage(true));
  return () => {
    clearTimeout(retry);
    close();
  };
}
