import { describe, expect, it } from 'vitest';
import { StringStream } from '@codemirror/language';
import { consultedText } from './alertview.js';
import { ApiError, call, formatDetail } from './api.js';
import { completionOptions } from './completion.js';
import { countLevels, diagnosticRange, lintDiagnostics } from './diagnostics.js';
import { diffFiles, diffLines } from './diff.js';
import { tokenize } from './drl.js';
import { csvEvents, csvTime, fileEvents, jsonEvents, parseCsv } from './events.js';
import { formatPartitionKey, parsePartitionKey, partitionKeyFromTable, partitionKeyOf } from './settings.js';
import { consumerView, sourceForm, sourceOf, topicProblem } from './source.js';
import { sseParser } from './sse.js';
import { bucketWidth, millis, timeline } from './timeline.js';

describe('diagnosticRange', () => {
  const text = 'package fraud;\n\nrule "x"\n  when\n    Foo(bar > 1)\nthen end';

  it('a line and column: from the column to the end of the word there', () => {
    const r = diagnosticRange(text, 5, 5);
    expect(text.slice(r.from, r.to)).toBe('Foo');
  });

  it('no column: the line without its indentation', () => {
    const r = diagnosticRange(text, 4, 0);
    expect(text.slice(r.from, r.to)).toBe('when');
  });

  it('a line past the end: the last line; a column past the end of the line: its end', () => {
    const r = diagnosticRange(text, 99, 0);
    expect(text.slice(r.from, r.to)).toBe('then end');
    const c = diagnosticRange('ab\ncd', 1, 40);
    expect(c).toEqual({ from: 2, to: 2 });
  });

  it('an empty document: offset 0', () => {
    expect(diagnosticRange('', 3, 2)).toEqual({ from: 0, to: 0 });
  });
});

describe('lintDiagnostics', () => {
  const all = [
    { level: 'error', file: 'a.drl', line: 2, column: 1, message: 'bad' },
    { level: 'warning', file: 'b.rule.yaml', line: 1, column: 0, message: 'hm' },
    { level: 'error', file: null, line: 0, column: 0, message: 'the rule set as a whole' },
  ];

  it('keeps the file\'s diagnostics, the file-less ones on the first file, with the editor\'s severity', () => {
    const a = lintDiagnostics(all, 'a.drl', 'x\nyy z', 'a.drl');
    expect(a.map((d) => [d.from, d.to, d.severity, d.message])).toEqual([
      [2, 4, 'error', 'bad'],
      [0, 1, 'error', 'the rule set as a whole'],
    ]);
    const b = lintDiagnostics(all, 'b.rule.yaml', 'rule: x', 'a.drl');
    expect(b).toHaveLength(1);
    expect(b[0].severity).toBe('warning');
  });

  it('counts errors and warnings', () => {
    expect(countLevels(all)).toEqual({ errors: 2, warnings: 1 });
  });
});

describe('diffLines', () => {
  it('marks added and removed lines between common ones', () => {
    const d = diffLines('a\nb\nc\nd', 'a\nc\nx\nd');
    expect(d.map((l) => l.op + l.text)).toEqual([' a', '-b', ' c', '+x', ' d']);
    expect(d[3]).toEqual({ op: '+', text: 'x', a: null, b: 3 });
  });

  it('equal texts are all unchanged; an empty side is all added or removed', () => {
    expect(diffLines('a\nb', 'a\nb').every((l) => l.op === ' ')).toBe(true);
    expect(diffLines('', 'a\nb').map((l) => l.op)).toEqual(['+', '+']);
    expect(diffLines('a', '').map((l) => l.op)).toEqual(['-']);
  });

  it('files: added, removed, changed and the same', () => {
    const d = diffFiles({ 'a.drl': 'x', 'b.drl': 'y', 'c.drl': 'z' }, { 'a.drl': 'x', 'b.drl': 'y2', 'd.drl': 'w' });
    expect(d.map((f) => `${f.path} ${f.status}`)).toEqual(['a.drl same', 'b.drl changed', 'c.drl removed', 'd.drl added']);
  });
});

describe('DRL tokenizer', () => {
  const types = (text) => tokenize(text, StringStream).map((line) => line.map((t) => `${t.type}:${t.text}`));

  it('keywords, metadata, strings, temporal operators and windows', () => {
    const lines = types('rule "burst" @severity("high")\nwhen $b : B(this after[0s,5m] $a) over window:time(60s)');
    expect(lines[0]).toEqual(['keyword:rule', 'string:"burst"', 'meta:@severity', 'bracket:(', 'string:"high"', 'bracket:)']);
    expect(lines[1]).toContain('operatorKeyword:after');
    expect(lines[1]).toContain('keyword:window:time');
    expect(lines[1]).toContain('variableName.special:$b');
    expect(lines[1]).toContain('typeName:B');
    expect(lines[1]).toContain('number:60s');
  });

  it('line and block comments, a block comment over lines', () => {
    const lines = types('x // note\n/* one\ntwo */ end');
    expect(lines[0]).toEqual(['variableName:x', 'comment:// note']);
    expect(lines[1]).toEqual(['comment:/* one']);
    expect(lines[2]).toEqual(['comment:two */', 'keyword:end']);
  });

  it('a string with an escaped quote is one token', () => {
    expect(types('"a \\" b" then')[0]).toEqual(['string:"a \\" b"', 'keyword:then']);
  });
});

describe('events of files', () => {
  it('CSV with quotes, a type and a time column; numbers as numbers, empty cells left out', () => {
    const events = csvEvents('id,when,cardId,amount,note\nt1,2026-11-20 10:00:00,c1,25.5,"a, b"\nt2,1700000000000,c1,3,\n',
      { type: 'Transaction', timeColumn: 'when' });
    expect(events).toEqual([
      { type: 'Transaction', id: 't1', time: '2026-11-20T10:00:00Z', cardId: 'c1', amount: 25.5, note: 'a, b' },
      { type: 'Transaction', id: 't2', time: 1700000000000, cardId: 'c1', amount: 3 },
    ]);
  });

  it('CSV: a doubled quote inside quotes, CRLF line ends', () => {
    expect(parseCsv('a,b\r\n"say ""hi""",2\r\n')).toEqual([['a', 'b'], ['say "hi"', '2']]);
  });

  it('CSV: a row of the wrong width and a missing time column are named', () => {
    expect(() => csvEvents('a,b\n1\n', { type: 'T' })).toThrow('CSV line 2: 1 values, the header has 2');
    expect(() => csvEvents('a,b\n1,2\n', { type: 'T', timeColumn: 'when' })).toThrow("the CSV has no column 'when'; its columns are a, b");
  });

  it('CSV times: ISO-8601 and epoch ms kept, a space-separated UTC time made ISO', () => {
    expect(csvTime('2026-01-01 00:00')).toBe('2026-01-01T00:00:00Z');
    expect(csvTime('2026-01-01T00:00:00Z')).toBe('2026-01-01T00:00:00Z');
    expect(csvTime('12')).toBe(12);
  });

  it('NDJSON with blank lines, a JSON array, and a bad line named', () => {
    expect(jsonEvents('{"a":1}\n\n{"a":2}\n')).toEqual([{ a: 1 }, { a: 2 }]);
    expect(jsonEvents(' [{"a":1}]')).toEqual([{ a: 1 }]);
    expect(() => jsonEvents('{"a":1}\n{oops')).toThrow(/^line 2 is not JSON/);
    expect(() => jsonEvents('{"a":1}\n[1]')).toThrow('line 2 is not a JSON object');
  });

  it('by file name', () => {
    expect(fileEvents('x.CSV', 'a\n1', { type: 'T' })).toEqual([{ type: 'T', a: 1 }]);
    expect(fileEvents('x.ndjson', '{"a":1}')).toEqual([{ a: 1 }]);
  });
});

describe('API errors', () => {
  it('a detail names where it is: file and position, event index and field', () => {
    expect(formatDetail({ level: 'error', file: 'a.drl', line: 3, column: 7, message: 'mismatched input' })).toBe('a.drl 3:7: mismatched input');
    expect(formatDetail({ index: 2, field: 'amount', message: 'not a number' })).toBe('event 2 amount: not a number');
  });

  it('a detail without position is its message; a string detail is itself', () => {
    expect(formatDetail({ message: 'x' })).toBe('x');
    expect(formatDetail('plain')).toBe('plain');
  });

  it('call() sends the bearer token and turns a non-2xx answer into an ApiError', async () => {
    globalThis.sessionStorage = { getItem: () => 'tok' };
    let seen;
    const fetchImpl = async (path, init) => {
      seen = init;
      return new Response(JSON.stringify({ error: 'forbidden', message: 'the token lacks the scope rules:write', details: [] }), { status: 403 });
    };
    const failure = await call('PUT', '/api/v1/rulesets/x', { files: {} }, { fetchImpl }).catch((e) => e);
    expect(seen.headers.Authorization).toBe('Bearer tok');
    expect(failure).toBeInstanceOf(ApiError);
    expect([failure.status, failure.code, failure.message]).toEqual([403, 'forbidden', 'the token lacks the scope rules:write']);
  });

  it('an answer that is not JSON keeps its text as the message', async () => {
    globalThis.sessionStorage = { getItem: () => null };
    const fetchImpl = async () => new Response('Bad Gateway', { status: 502 });
    const failure = await call('GET', '/x', undefined, { fetchImpl }).catch((e) => e);
    expect([failure.status, failure.code, failure.message]).toEqual([502, 'http_502', 'Bad Gateway']);
  });
});

describe('server-sent events', () => {
  it('assembles events split across chunks, skips comments, joins data lines', () => {
    const got = [];
    const feed = sseParser((e) => got.push(e));
    feed(': connected\n\nevent: alert\nid: a1\ndata: {"x"');
    feed(':1}\n\ndata: one\r\ndata: two\r\n\r\n');
    expect(got).toEqual([
      { event: 'alert', id: 'a1', data: '{"x":1}' },
      { event: 'message', id: null, data: 'one\ntwo' },
    ]);
  });
});

describe('timeline', () => {
  it('counts events and alerts per bucket of a width fitting the span', () => {
    const events = [{ time: '2026-01-01T00:00:00Z' }, { time: '2026-01-01T00:00:30Z' }, { time: '2026-01-01T00:02:00Z' }, { time: null }];
    const alerts = [{ eventTime: '2026-01-01T00:02:10Z' }];
    const { width, data } = timeline(events, alerts);
    expect(width).toBe(5000);
    expect(data[1].reduce((a, b) => a + b)).toBe(3);
    expect(data[2].reduce((a, b) => a + b)).toBe(1);
    expect(data[0][0]).toBe(Date.parse('2026-01-01T00:00:00Z') / 1000);
    expect(data[0]).toHaveLength(27);
  });

  it('bucket widths and times', () => {
    expect(bucketWidth(0, 3600e3)).toBe(30e3);
    expect(millis('123')).toBe(123);
    expect(millis('not a time')).toBeNull();
    expect(timeline([], []).data).toEqual([[], [], []]);
  });
});

describe('completion', () => {
  const types = [{ name: 'Transaction', fields: [{ name: 'cardId', type: 'String' }, { name: 'amount', type: 'double' }] }];

  it('DRL inside a pattern: the type\'s fields and the temporal operators', () => {
    const labels = completionOptions('a.drl', '  Transaction(am', types).map((o) => o.label);
    expect(labels.slice(0, 2)).toEqual(['cardId', 'amount']);
    expect(labels).toContain('after');
    expect(labels).not.toContain('rule');
  });

  it('DRL elsewhere: types, keywords, windows; after @ the metadata', () => {
    const labels = completionOptions('a.drl', '  Tr', types).map((o) => o.label);
    expect(labels).toEqual(expect.arrayContaining(['Transaction', 'window:time()', 'accumulate', 'coincides']));
    expect(completionOptions('a.drl', '  @', types).map((o) => o.label)).toContain('@role(event)');
  });

  it('YAML: keys, patterns, event types by key', () => {
    expect(completionOptions('x.rule.yaml', '  pattern: c', types).map((o) => o.label)).toContain('sustained');
    expect(completionOptions('x.rule.yaml', '  pattern: b', types).map((o) => o.label)).toContain('baseline');
    expect(completionOptions('x.rule.yaml', '  seasonal: ', types).map((o) => o.label)).toEqual(['daily', 'weekly']);
    expect(completionOptions('x.rule.yaml', '  condition: amount > 3 * p', types).map((o) => o.label)).toContain('p95');
    expect(completionOptions('x.rule.yaml', '  where: a', types).map((o) => o.label)).not.toContain('p95');
    expect(completionOptions('x.rule.yaml', '  hist', types).map((o) => o.label)).toContain('history');
    expect(completionOptions('x.rule.yaml', '  event: ', types).map((o) => o.label)).toEqual(['Transaction']);
    expect(completionOptions('x.rule.yaml', '  per: ', types).map((o) => o.label)).toEqual(['cardId', 'amount']);
    expect(completionOptions('x.test.yaml', 'ex', types).map((o) => o.label)).toContain('expectNone');
  });
});

describe('partition key', () => {
  it('a text of one field is that field for every type; of Type=field pairs, an object; empty, none', () => {
    expect(parsePartitionKey(' cardId ')).toBe('cardId');
    expect(parsePartitionKey('Transaction=cardId, FraudReport = cardId,')).toEqual({ Transaction: 'cardId', FraudReport: 'cardId' });
    expect(parsePartitionKey('  ')).toBeUndefined();
  });

  it('a list not of that form goes as it is, for the server to name what is wrong', () => {
    expect(parsePartitionKey('Transaction=cardId, host')).toBe('Transaction=cardId, host');
    expect(parsePartitionKey('a=b=c')).toBe('a=b=c');
  });

  it('is written back as the text it is read from', () => {
    for (const text of ['cardId', 'Transaction=cardId, FraudReport=terminalId', '']) {
      expect(formatPartitionKey(parsePartitionKey(text))).toBe(text);
    }
  });

  it('gives each type its field: the one field, its own, the "*" one, or none', () => {
    expect(partitionKeyOf('host', 'Metric')).toBe('host');
    expect(partitionKeyOf({ Metric: 'host', '*': 'service' }, 'Metric')).toBe('host');
    expect(partitionKeyOf({ Metric: 'host', '*': 'service' }, 'Heartbeat')).toBe('service');
    expect(partitionKeyOf({ Metric: 'host' }, 'Heartbeat')).toBe('');
    expect(partitionKeyOf(undefined, 'Metric')).toBe('');
  });

  it('from the table: its rows with a field, and the types it does not show; none when nothing is left', () => {
    expect(partitionKeyFromTable('cardId', [['Transaction', 'cardId'], ['FraudReport', 'terminalId']]))
      .toEqual({ Transaction: 'cardId', FraudReport: 'terminalId' });
    expect(partitionKeyFromTable({ Old: 'id', Transaction: 'cardId' }, [['Transaction', ''], ['FraudReport', 'cardId']]))
      .toEqual({ Old: 'id', FraudReport: 'cardId' });
    expect(partitionKeyFromTable({ Transaction: 'cardId' }, [['Transaction', '']])).toBeUndefined();
  });
});

describe('source', () => {
  it('takes a topic name as the server does: 1 to 249 of a-z, A-Z, 0-9, ".", "_", "-", not "." or ".."', () => {
    for (const name of ['payments', 'card.payments_v2-eu', 'x', 'a'.repeat(249), '...']) expect(topicProblem(name)).toBeNull();
    expect(topicProblem('pay ments')).toBe("'pay ments' is not a Kafka topic name: 1 to 249 of a-z, A-Z, 0-9, '.', '_', '-' (and not '.' or '..')");
    for (const name of ['a'.repeat(250), '.', '..', 'paiements-é', 'a/b']) expect(topicProblem(name)).toContain('is not a Kafka topic name');
    expect(topicProblem('')).toBe('a topic is required: the Kafka topic the rule set consumes');
  });

  it('reads the settings\' source into the form: none is the API, a Kafka one its topic and start, earliest when not given', () => {
    expect(sourceForm(undefined)).toEqual({ kind: 'api', topic: '', startAt: 'earliest' });
    expect(sourceForm({ kafka: { topic: 'payments', startAt: 'latest' } })).toEqual({ kind: 'kafka', topic: 'payments', startAt: 'latest' });
    expect(sourceForm({ kafka: { topic: 'payments' } })).toEqual({ kind: 'kafka', topic: 'payments', startAt: 'earliest' });
  });

  it('writes the form as the settings\' source: none for the API, a topic without a name left out for the server to name', () => {
    expect(sourceOf({ kind: 'api', topic: 'payments', startAt: 'latest' })).toBeUndefined();
    expect(sourceOf({ kind: 'kafka', topic: ' payments ', startAt: 'latest' })).toEqual({ kafka: { topic: 'payments', startAt: 'latest' } });
    expect(sourceOf({ kind: 'kafka', topic: '  ', startAt: 'earliest' })).toEqual({ kafka: { startAt: 'earliest' } });
    expect(sourceOf(sourceForm({ kafka: { topic: 'payments', startAt: 'earliest' } }))).toEqual({ kafka: { topic: 'payments', startAt: 'earliest' } });
  });

  it('shows the consumer with its partitions by number, a lag not known yet as null, and the total lag once all are known', () => {
    const kafka = {
      ruleSet: 'fraud', topic: 'payments', group: 'vigil.fraud', state: 'running',
      partitions: [
        { partition: 2, state: 'running', lag: 5, committed: 10, position: 11 },
        { partition: 0, state: 'rebuilding', lag: -1, committed: -1, position: 0, rebuildFrom: 0, resumeAt: 7, alertsHeldBack: 1 },
      ],
    };
    expect(consumerView(null)).toBeNull();
    expect(consumerView(kafka)).toEqual({
      topic: 'payments', group: 'vigil.fraud', state: 'running', problem: null,
      partitions: [{ partition: 0, state: 'rebuilding', lag: null }, { partition: 2, state: 'running', lag: 5 }],
      lag: null,
    });
    kafka.partitions[1].lag = 3;
    expect(consumerView(kafka).lag).toBe(8);
    expect(consumerView({ ...kafka, state: 'retrying', problem: 'broker away', partitions: [] }))
      .toMatchObject({ state: 'retrying', problem: 'broker away', partitions: [], lag: null });
  });
});

describe('consultedText', () => {
  it('names the count and the ids, the newest when there are more events than ids', () => {
    expect(consultedText({ events: 42, ids: ['t2', 't3', 't4', 't5', 't6'] })).toBe('consulted: 42 events (newest: t2, t3, t4, t5, t6)');
    expect(consultedText({ events: 3, ids: ['t1', 't2', 't3'] })).toBe('consulted: 3 events (t1, t2, t3)');
    expect(consultedText({ events: 1, ids: ['t1'] })).toBe('consulted: 1 event (t1)');
  });

  it('a profile\'s events have no ids: the count alone', () => {
    expect(consultedText({ events: 900, ids: [] })).toBe('consulted: 900 events');
  });

  it('nothing consulted, or an alert without a context: no line', () => {
    expect(consultedText({ events: 0, ids: [] })).toBeNull();
    expect(consultedText(undefined)).toBeNull();
  });
});
