// One alert with its evidence: the ids of the events that caused it, and those events when known.

import { fill, h, time } from './dom.js';

export function alertDetails(target, alert, eventsById) {
  const events = eventsById ? alert.evidence.map((id) => eventsById.get(id)).filter(Boolean) : [];
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
    h('h5', `Evidence: ${alert.evidence.length} event${alert.evidence.length === 1 ? '' : 's'}`),
    events.length
      ? h('pre.evidence', events.map((e) => JSON.stringify(e)).join('\n'))
      : h('ul.evidence', alert.evidence.map((id) => h('li', h('code', id))))));
}
