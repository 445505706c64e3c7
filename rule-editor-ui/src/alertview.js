// One alert: what triggered it (its evidence: the events its rule's patterns bound, shown whole
// when known) and what its rule consulted beside them (its context: a count and the newest ids).

import { fill, h, time } from './dom.js';

/** The context as a line: "consulted: 42 events (newest: t2, t3, t4, t5, t6)"; null when nothing was consulted. */
export function consultedText(context) {
  if (!context || !context.events) return null;
  const ids = context.ids || [];
  const noun = `${context.events} event${context.events === 1 ? '' : 's'}`;
  if (!ids.length) return `consulted: ${noun}`;
  return `consulted: ${noun} (${ids.length < context.events ? 'newest: ' : ''}${ids.join(', ')})`;
}

export function alertDetails(target, alert, eventsById) {
  const events = eventsById ? alert.evidence.map((id) => eventsById.get(id)).filter(Boolean) : [];
  const consulted = consultedText(alert.context);
  fill(target, h('div.alert-details', { id: 'alert-details' },
    h('div.toolbar', h('h4', `${alert.rule}: ${alert.key}`), h('span.grow'), h('button', { onclick: () => fill(target) }, 'Close')),
    h('p', alert.message),
    h('dl',
      h('dt', 'Severity'), h('dd', alert.severity),
      h('dt', 'Rule set'), h('dd', `${alert.ruleSet} v${alert.version}`),
      h('dt', 'Event time'), h('dd', time(alert.eventTime)),
      h('dt', 'Fired at'), h('dd', time(alert.firedAt)),
      h('dt', 'Id'), h('dd', h('code', alert.id)),
      Object.keys(alert.attributes || {}).length ? [h('dt', 'Attributes'), h('dd', h('code', JSON.stringify(alert.attributes)))] : null),
    h('h5', `What triggered: ${alert.evidence.length} event${alert.evidence.length === 1 ? '' : 's'}`),
    events.length
      ? h('pre.evidence', events.map((e) => JSON.stringify(e)).join('\n'))
      : h('ul.evidence', alert.evidence.map((id) => h('li', h('code', id)))),
    consulted ? h('p.context', { id: 'alert-context' }, consulted) : null));
}
