// Where a rule set's events come from, as a part of the settings form: posted to the API, or a
// Kafka topic the rule set consumes (and where a group that has committed nothing starts); beside
// it, read-only, the state of the rule set's Kafka consumer as the rule set view reports it.

import { enc, get } from './api.js';
import { busy, fill, h } from './dom.js';

/** The server's rule for a topic name: 1 to 249 of a-z, A-Z, 0-9, '.', '_', '-', and not '.' or '..'. */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
const KINDS = [['api', 'API (events posted)'], ['kafka', 'Kafka topic']];
const START_AT = [['earliest', 'earliest: the topic\'s history first'], ['latest', 'latest: new records only']];

/** What is wrong with {@code name} as the topic to consume, or null when the server takes it. */
export function topicProblem(name) {
  if (name === '') return 'a topic is required: the Kafka topic the rule set consumes';
  if (!TOPIC_NAME.test(name) || name === '.' || name === '..') {
    return `'${name}' is not a Kafka topic name: 1 to 249 of a-z, A-Z, 0-9, '.', '_', '-' (and not '.' or '..')`;
  }
  return null;
}

/** The form's values for the settings' {@code source}: {@code {kind: 'api' | 'kafka', topic, startAt}}. */
export function sourceForm(source) {
  const kafka = source && typeof source === 'object' ? source.kafka : undefined;
  if (!kafka || typeof kafka !== 'object') return { kind: 'api', topic: '', startAt: 'earliest' };
  return { kind: 'kafka', topic: kafka.topic ?? '', startAt: kafka.startAt ?? 'earliest' };
}

/**
 * The settings' {@code source} for the form's values: undefined for the API. A topic without a
 * name goes without one, for the server to say that it is required.
 */
export function sourceOf({ kind, topic, startAt }) {
  if (kind !== 'kafka') return undefined;
  const name = topic.trim();
  return { kafka: name === '' ? { startAt } : { topic: name, startAt } };
}

/**
 * What the consumer table shows of the rule set view's {@code kafka} object (null without one):
 * topic, group, state and problem, the partitions assigned to this server by number with their
 * state and lag ({@code null} before it is known), and their total lag.
 */
export function consumerView(kafka) {
  if (!kafka) return null;
  const partitions = [...(kafka.partitions || [])].sort((a, b) => a.partition - b.partition)
    .map((p) => ({ partition: p.partition, state: p.state, lag: p.lag >= 0 ? p.lag : null }));
  const known = partitions.filter((p) => p.lag !== null);
  return {
    topic: kafka.topic,
    group: kafka.group,
    state: kafka.state,
    problem: kafka.problem ?? null,
    partitions,
    lag: known.length === partitions.length && known.length > 0 ? known.reduce((sum, p) => sum + p.lag, 0) : null,
  };
}

function consumerTable(view) {
  if (!view) return h('p.muted', 'None on this server: a deployed rule set with a Kafka source has one when the server runs with --kafka-bootstrap.');
  const lag = (value) => (value === null ? 'not known yet' : String(value));
  return [
    h('dl.consumer',
      h('dt', 'Topic'), h('dd', view.topic),
      h('dt', 'Group'), h('dd', view.group),
      h('dt', 'State'), h('dd', h(`span.state.${view.state}`, { id: 'kafka-state' }, view.state)),
      view.problem ? [h('dt', 'Problem'), h('dd.reason', view.problem)] : null,
      h('dt', 'Lag'), h('dd', lag(view.lag))),
    view.partitions.length === 0
      ? h('p.muted', 'No partition is assigned to this server.')
      : h('table.list', { id: 'kafka-partitions' },
        h('thead', h('tr', h('th', 'Partition'), h('th', 'State'), h('th', 'Lag'))),
        h('tbody', view.partitions.map((p) => h('tr', { dataset: { partition: p.partition } },
          h('td.num', String(p.partition)), h('td', h(`span.state.${p.state}`, p.state)), h('td.num', lag(p.lag)))))),
  ];
}

/**
 * The source part of the settings form: the choice of API or Kafka topic, the topic (checked as the
 * server checks it) and where to start, written to {@code context.settings().source}; with a Kafka
 * source, the consumer's state, shown from {@code context.kafka()} and fetched again with its button.
 */
export function sourceInput(context, canWrite, onChange) {
  const kind = h('select', { id: 'setting-source', disabled: !canWrite }, KINDS.map(([value, label]) => h('option', { value }, label)));
  const topic = h('input', { id: 'setting-source-topic', type: 'text', placeholder: 'payments', disabled: !canWrite });
  const startAt = h('select', { id: 'setting-source-startAt', disabled: !canWrite },
    START_AT.map(([value, label]) => h('option', { value }, label)));
  const problem = h('small.bad', { id: 'setting-source-problem', role: 'alert', hidden: true });
  const consumer = h('div', { id: 'kafka-consumer' });
  const consumerSlot = h('div');
  const reload = h('button', { id: 'kafka-consumer-refresh', onclick: () => fetchConsumer() }, 'Refresh');
  const kafkaRows = h('div', { id: 'setting-source-kafka' },
    h('label.setting', h('span', 'Topic'), topic, problem,
      h('small.muted', 'the topic the rule set consumes: each record\'s value is an event, its key the partition key')),
    h('label.setting', h('span', 'Start at'), startAt, h('small.muted', 'where a consumer group that has committed nothing starts')),
    h('div.inline', h('strong', 'Kafka consumer'), reload), consumerSlot, consumer);

  function showProblem() {
    const text = kind.value === 'kafka' ? topicProblem(topic.value.trim()) : null;
    problem.textContent = text ?? '';
    problem.hidden = text === null;
  }

  function changed() {
    const settings = context.settings();
    const source = sourceOf({ kind: kind.value, topic: topic.value, startAt: startAt.value });
    if (source === undefined) delete settings.source;
    else settings.source = source;
    kafkaRows.hidden = kind.value !== 'kafka';
    showProblem();
    onChange();
  }
  for (const input of [kind, topic, startAt]) input.addEventListener('change', changed);
  topic.addEventListener('input', showProblem);

  function showConsumer(kafka) {
    fill(consumer, consumerTable(consumerView(kafka)));
  }

  async function fetchConsumer() {
    await busy(reload, consumerSlot, async () => {
      try {
        showConsumer((await get(`/api/v1/rulesets/${enc(context.name)}`)).kafka);
      } catch (e) {
        if (e.status !== 404) throw e;
        showConsumer(null);
      }
    });
  }

  function refresh() {
    const form = sourceForm(context.settings().source);
    kind.value = form.kind;
    topic.value = form.topic;
    startAt.value = form.startAt;
    kafkaRows.hidden = form.kind !== 'kafka';
    showProblem();
    showConsumer(context.kafka());
  }

  const element = h('div.source',
    h('label.setting', h('span', 'Events from'), kind,
      h('small.muted', 'posted to the API, or consumed from a Kafka topic (posts to this rule set are then refused with 409)')),
    kafkaRows);
  return { element, refresh };
}
