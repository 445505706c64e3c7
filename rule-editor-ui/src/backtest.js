// Backtest: the editor's files (not deployed) replayed over uploaded events or a journal range,
// compared with the active version: stats, a timeline, the alerts and their diff.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { ApiError, call, del, get } from './api.js';
import { alertDetails } from './alertview.js';
import { busy, fill, h, time } from './dom.js';
import { csvColumns, fileEvents } from './events.js';
import { followJob } from './progress.js';
import { bucketCounts, millis, timeline, timelineOfCounts } from './timeline.js';

const SEVERITIES = ['low', 'medium', 'high', 'critical'];
const ASYNC_EVENTS = 20000;

export function backtestPanel(root, context) {
  const slot = h('div', { id: 'backtest-error' });
  const fileInput = h('input', { type: 'file', id: 'events-file', accept: '.ndjson,.jsonl,.json,.csv' });
  const csvType = h('input', { id: 'csv-type', placeholder: 'event type', list: 'event-type-names', size: 14 });
  const typeNames = h('datalist', { id: 'event-type-names' });
  const csvTime = h('select', { id: 'csv-time' });
  const csvRow = h('div.inline', { hidden: true }, 'CSV: type ', csvType, typeNames, ' time column ', csvTime);
  const fromInput = h('input', { id: 'journal-from', placeholder: '2026-11-20T00:00:00Z', size: 22 });
  const toInput = h('input', { id: 'journal-to', placeholder: '2026-11-21T00:00:00Z', size: 22 });
  const useFile = h('input', { type: 'radio', name: 'source', value: 'file', checked: true });
  const useJournal = h('input', { type: 'radio', name: 'source', value: 'journal' });
  const compare = h('input', { type: 'checkbox', id: 'compare', checked: true });
  const canRun = context.session.can('rules:write');
  const run = h('button.primary', {
    id: 'run-backtest',
    disabled: !canRun,
    title: canRun ? null : 'replaying rules that are not deployed needs the scope rules:write',
    onclick: () => busy(run, slot, start),
  }, 'Run backtest');
  const progress = h('div.job-progress', { id: 'backtest-progress', hidden: true });
  const summary = h('div', { id: 'backtest-stats' });
  const chartHost = h('div.chart', { id: 'backtest-chart' });
  const ruleFilter = h('select', { id: 'filter-rule' });
  const keyFilter = h('input', { id: 'filter-key', placeholder: 'key', size: 10 });
  const severityFilter = h('select', { id: 'filter-severity' }, h('option', { value: '' }, 'any severity'),
    SEVERITIES.map((s) => h('option', { value: s }, `${s} or higher`)));
  const rows = h('tbody');
  const details = h('div');
  const results = h('div', { hidden: true }, summary, chartHost,
    h('div.inline', 'Alerts: ', ruleFilter, ' ', keyFilter, ' ', severityFilter),
    h('table.list', { id: 'backtest-alerts' },
      h('thead', h('tr', ['', 'Event time', 'Rule', 'Key', 'Severity', 'Message'].map((c) => h('th', c)))), rows),
    details);

  let fileText = null;
  let fileName = null;
  let uploaded = null;
  let shown = [];
  let chart = null;
  let pollTimer = null;

  fileInput.addEventListener('change', async () => {
    const file = fileInput.files[0];
    if (!file) return;
    fileName = file.name;
    fileText = await file.text();
    useFile.checked = true;
    const isCsv = /\.csv$/i.test(fileName);
    csvRow.hidden = !isCsv;
    if (isCsv) {
      const columns = csvColumns(fileText);
      fill(csvTime, columns.map((c) => h('option', { value: c }, c)));
      const guess = columns.find((c) => /^(time|timestamp|when|date)$/i.test(c));
      if (guess) csvTime.value = guess;
      fill(typeNames, context.eventTypes().map((t) => h('option', { value: t.name })));
      if (!csvType.value && context.eventTypes().length) csvType.value = context.eventTypes()[0].name;
    }
  });
  [ruleFilter, keyFilter, severityFilter].forEach((el) => el.addEventListener('input', renderRows));

  fill(root, h('h3', 'Backtest'),
    h('p.muted', 'Replays the files as they are in the editor (not deployed) over past events.'),
    h('div.inline', h('label', useFile, ' events file '), fileInput),
    csvRow,
    h('div.inline', h('label', useJournal, ' journal, event time from '), fromInput, ' to ', toInput),
    h('div.inline', h('label', compare, ' compare with the active version'), ' ', run),
    slot, progress, results);

  function request() {
    const body = { files: context.ruleFiles(), settings: context.settings() };
    if (compare.checked && context.deployedVersion()) body.compareWith = { ruleset: context.name };
    if (useJournal.checked) {
      body.journal = { ruleset: context.name, from: fromInput.value.trim(), to: toInput.value.trim() };
      uploaded = null;
    } else {
      if (fileText === null) throw new Error('choose a file of events (NDJSON, a JSON array, or CSV with a header)');
      uploaded = fileEvents(fileName, fileText, { type: csvType.value.trim(), timeColumn: csvTime.value });
      body.events = uploaded;
    }
    // A journal range or a large file runs as a job, whose progress shows while it runs.
    if (useJournal.checked || uploaded.length > ASYNC_EVENTS) body.async = true;
    return body;
  }

  async function start() {
    clearTimeout(pollTimer);
    const { status, body } = await call('POST', '/api/v1/replays', request());
    progress.hidden = true;
    if (status === 202) {
      results.hidden = true;
      await poll(body.id);
    } else {
      show(body);
    }
  }

  async function poll(id) {
    const url = `/api/v1/replays/${encodeURIComponent(id)}`;
    const job = await followJob(progress, url, 'events', { get, del, onTimer: (t) => { pollTimer = t; } });
    if (job.status === 'done') {
      show(job.result);
    } else if (job.status === 'failed') {
      throw new ApiError(0, job.error, 'the replay failed');
    }
  }

  function show(result) {
    results.hidden = false;
    const s = result.stats || {};
    const diff = result.diff;
    const added = new Set((diff?.added || []).map((a) => a.id));
    shown = (result.alerts || []).map((a) => ({ ...a, change: diff ? (added.has(a.id) ? 'added' : 'unchanged') : '' }))
      .concat((diff?.removed || []).map((a) => ({ ...a, change: 'removed' })));
    shown.sort((a, b) => String(a.eventTime).localeCompare(String(b.eventTime)));
    fill(summary, h('div.stats',
      stat('events', s.events), stat('invalid', s.invalid), stat('late', s.late), stat('alerts', s.alerts),
      stat('suppressed', s.suppressed), stat('rule errors', s.ruleErrors), stat('events/s', s.eventsPerSecond),
      stat('out of order', s.order?.outOfOrder),
      diff ? [stat('added', diff.addedCount), stat('removed', diff.removedCount), stat('unchanged', diff.unchanged)] : null),
    (result.errors || []).length ? h('pre.error', result.errors.map((e) => `event ${e.index}${e.field ? ` ${e.field}` : ''}: ${e.message}`).join('\n')) : null,
    (result.ruleErrors || []).length ? h('pre.error', result.ruleErrors.map((e) => `${e.rule}: ${e.message}`).join('\n')) : null);
    const rules = [...new Set(shown.map((a) => a.rule))].sort();
    fill(ruleFilter, h('option', { value: '' }, 'every rule'), rules.map((r) => h('option', { value: r }, r)));
    renderRows();
    drawChart(result);
    fill(details);
  }

  function stat(label, value) {
    return value === undefined || value === null ? null : h('span.stat', h('b', String(value)), ` ${label}`);
  }

  function renderRows() {
    const rule = ruleFilter.value;
    const key = keyFilter.value.trim();
    const min = SEVERITIES.indexOf(severityFilter.value);
    const byId = uploaded ? new Map(uploaded.filter((e) => e.id).map((e) => [String(e.id), e])) : null;
    const matching = shown.filter((a) => (!rule || a.rule === rule) && (!key || String(a.key).includes(key))
      && (min < 0 || SEVERITIES.indexOf(a.severity) >= min));
    fill(rows, matching.length === 0 ? h('tr', h('td.muted', { colSpan: 6 }, shown.length ? 'None match the filter.' : 'None: no alert was raised.'))
      : matching.map((a) => h(`tr.${a.change || 'plain'}`, {
      onclick: () => alertDetails(details, a, byId),
      title: 'show what triggered it',
    }, h('td', a.change), h('td', time(a.eventTime)), h('td', a.rule), h('td', a.key), h('td', a.severity), h('td', a.message))));
  }

  /** The journal range asked for, in epoch ms, when both ends are times: the chart spans it. */
  function journalWindow() {
    const from = millis(fromInput.value.trim());
    const to = millis(toInput.value.trim());
    return from !== null && to !== null && from < to ? { from, to } : undefined;
  }

  function drawChart(result) {
    if (chart) chart.destroy();
    chart = null;
    const alerts = result.alerts || [];
    // A journal's events are not in the browser: the server counted them per bucket of event time.
    const { data, width } = uploaded ? timeline(uploaded, alerts)
      : timelineOfCounts(bucketCounts(result.timeline), alerts, journalWindow());
    fill(chartHost);
    if (!data[0].length) return;
    const opts = {
      width: Math.max(chartHost.clientWidth || 400, 300),
      height: 180,
      title: `events and alerts per ${width >= 60e3 ? `${width / 60e3} min` : `${width / 1e3} s`}`,
      series: [
        {},
        { label: 'events', stroke: '#3b6fb6', fill: 'rgba(59,111,182,0.15)' },
        { label: 'alerts', stroke: '#c0392b', width: 2, points: { show: true, size: 6 }, scale: 'alerts' },
      ],
      axes: [{}, { label: 'events' }, { side: 1, scale: 'alerts', label: 'alerts', grid: { show: false } }],
      scales: { alerts: { range: (u, lo, hi) => [0, Math.max(hi, 1)] } },
    };
    chart = new uPlot(opts, data, chartHost);
    chartHost.dataset.alerts = String(data[2].reduce((x, y) => x + y, 0));
    chartHost.dataset.events = String(data[1].reduce((x, y) => x + y, 0));
  }

  return {
    close() {
      clearTimeout(pollTimer);
      if (chart) chart.destroy();
    },
  };
}
