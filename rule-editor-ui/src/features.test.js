import { describe, expect, it } from 'vitest';
import { alertRange, alertsPath, inRange } from './alertpages.js';
import { attemptText, percent, progressText, timeLeft } from './progress.js';
import { alertsPerEvent, batchEvents, eventFromForm, formFields, inputOf, nextId } from './simulator.js';

describe('progress', () => {
  it('counts done of the total and estimates the time left from the rate so far', () => {
    expect(progressText({ events: 12000, total: 40000, elapsedMs: 8600 }, 'events', 'running'))
      .toBe('12,000 of 40,000 events, about 21 s left');
    expect(progressText({ cases: 3, total: 10, elapsedMs: 3000 }, 'cases', 'running')).toBe('3 of 10 cases, about 7 s left');
  });

  it('says a replay is sorting while it reads its input, before any event runs', () => {
    expect(progressText({ events: 0, phase: 'sorting', elapsedMs: 300 }, 'events', 'running')).toBe('sorting the events by event time');
    expect(progressText({ events: 10, total: 20, phase: 'running', elapsedMs: 300 }, 'events', 'running')).toBe('10 of 20 events, about 1 s left');
  });

  it('gives no estimate before anything is done, and none without a total', () => {
    expect(progressText({ events: 0, total: 40000, elapsedMs: 500 }, 'events', 'running')).toBe('0 of 40,000 events');
    expect(progressText({ events: 1500, elapsedMs: 500 }, 'events', 'running')).toBe('1,500 events');
    expect(timeLeft(10, 10, 500)).toBeNull();
  });

  it('says minutes and hours for long work', () => {
    expect(timeLeft(1000, 100000, 6000)).toBe('about 10 min left');
    expect(timeLeft(1, 10000, 3600)).toBe('about 10 h left');
  });

  it('ends with what was done and how long it took, or where it stopped', () => {
    expect(progressText({ events: 40000, total: 40000, elapsedMs: 2500 }, 'events', 'done')).toBe('40,000 of 40,000 events in 2.5 s');
    expect(progressText({ cases: 4, total: 10, elapsedMs: 90000 }, 'cases', 'cancelled')).toBe('cancelled after 4 of 10 cases');
    expect(progressText({}, 'events', 'queued')).toBe('queued: waiting for the replay ahead of it');
  });

  it('a share done for the bar, none without a total', () => {
    expect(percent({ events: 12000, total: 40000 }, 'events')).toBe(30);
    expect(percent({ events: 12000 }, 'events')).toBeNull();
    expect(percent({ events: 0, total: 0 }, 'events')).toBe(100);
  });

  it('a webhook attempt: delivered with status and time, or why not', () => {
    expect(attemptText({ state: 'delivered', status: 200, ms: 35 })).toBe('delivered: 200 in 35 ms');
    expect(attemptText({ state: 'pending', status: 503, error: 'the receiver answered 503', ms: 12 }))
      .toBe('pending: the receiver answered 503 (tried again later), 12 ms');
    expect(attemptText({ state: 'failed', status: 410, error: 'the receiver answered 410: not retried', ms: 9 }))
      .toBe('failed: the receiver answered 410: not retried, 9 ms');
  });
});

describe('simulator', () => {
  const transaction = {
    name: 'Transaction',
    timestampField: 'time',
    fields: [
      { name: 'id', type: 'String' }, { name: 'time', type: 'long' }, { name: 'cardId', type: 'String' },
      { name: 'amount', type: 'double' }, { name: 'count', type: 'int' }, { name: 'online', type: 'boolean' },
      { name: 'seen', type: 'java.util.Date' },
    ],
  };

  it('builds one input per declared field but the id and the timestamp field, typed by the field', () => {
    expect(formFields(transaction)).toEqual([
      { name: 'cardId', type: 'String', kind: 'text' },
      { name: 'amount', type: 'double', kind: 'number', step: 'any' },
      { name: 'count', type: 'int', kind: 'number', step: '1' },
      { name: 'online', type: 'boolean', kind: 'checkbox' },
      { name: 'seen', type: 'java.util.Date', kind: 'instant' },
    ]);
    expect(inputOf('java.lang.Long')).toEqual({ kind: 'number', step: '1' });
  });

  it('leaves out the timestamp field whatever its name, since the time input fills it', () => {
    const reading = { name: 'Reading', timestampField: 'at', fields: [{ name: 'at', type: 'long' }, { name: 'v', type: 'double' }] };
    expect(formFields(reading).map((f) => f.name)).toEqual(['v']);
  });

  it('makes the event of the form: numbers as numbers, empty inputs left out, a checkbox as a boolean', () => {
    const fields = formFields(transaction);
    const event = eventFromForm('Transaction', fields, { cardId: ' c1 ', amount: '12.5', count: '', online: false, seen: '' },
      { id: 'sim-1', time: '2026-11-20T10:00:00Z' });
    expect(event).toEqual({ type: 'Transaction', id: 'sim-1', time: '2026-11-20T10:00:00Z', cardId: 'c1', amount: 12.5, online: false });
    expect(() => eventFromForm('Transaction', fields, { amount: 'x' }, { id: 'a', time: 't' })).toThrow("amount: 'x' is not a number");
  });

  it('generates ids the batch does not hold yet', () => {
    expect(nextId([])).toBe('sim-1');
    expect(nextId([{ id: 'sim-2' }])).toBe('sim-3');
    expect(nextId([{ id: 'sim-2' }, { id: 'sim-3' }])).toBe('sim-4');
    expect(batchEvents('{"type": "T", "id": "sim-2"}\n{"type": "T"}\n').map((e) => e.id)).toEqual(['sim-2', 'sim-3']);
    expect(batchEvents('[{"type": "T"}, {"type": "T"}]').map((e) => e.id)).toEqual(['sim-1', 'sim-2']);
  });

  it('puts each alert under the last event of its evidence, and those with none in the batch apart', () => {
    const events = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    const alerts = [{ id: 'x', evidence: ['a', 'b'] }, { id: 'y', evidence: ['c'] }, { id: 'z', evidence: [] }];
    const { rows, other } = alertsPerEvent(events, alerts);
    expect(rows.map((r) => r.alerts.map((a) => a.id))).toEqual([[], ['x'], ['y']]);
    expect(other.map((a) => a.id)).toEqual(['z']);
  });
});

describe('alert pages', () => {
  it('asks for a range of event time and the page after a cursor', () => {
    const range = alertRange('2026-11-20', '2026-11-21T06:00:00Z');
    expect(range).toEqual({ since: '2026-11-20T00:00:00.000Z', until: '2026-11-21T06:00:00.000Z' });
    expect(alertsPath(range, 'abc', 50))
      .toBe('/api/v1/alerts?limit=50&since=2026-11-20T00%3A00%3A00.000Z&until=2026-11-21T06%3A00%3A00.000Z&cursor=abc');
    expect(alertsPath({ since: null, until: null })).toBe('/api/v1/alerts?limit=100');
  });

  it('names the input that is not an instant, and a range that ends before it starts', () => {
    expect(() => alertRange('yesterday', '')).toThrow("since: 'yesterday' is not an instant");
    expect(() => alertRange('2026-11-21', '2026-11-20')).toThrow('since (2026-11-21T00:00:00.000Z) must be before until');
  });

  it('keeps a live alert only within the range, until excluded', () => {
    const range = { since: '2026-11-20T00:00:00Z', until: '2026-11-21T00:00:00Z' };
    expect(inRange({ eventTime: '2026-11-20T00:00:00Z' }, range)).toBe(true);
    expect(inRange({ eventTime: '2026-11-21T00:00:00Z' }, range)).toBe(false);
    expect(inRange({ eventTime: '2026-11-19T23:59:59.999Z' }, range)).toBe(false);
    expect(inRange({ eventTime: '2030-01-01T00:00:00Z' }, { since: null, until: null })).toBe(true);
  });
});
