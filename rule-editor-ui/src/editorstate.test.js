// The editor's state kept honest: drafts, error messages, rule set names, diagnostics that follow, the journal timeline.

import { describe, expect, it } from 'vitest';
import { ApiError, call } from './api.js';
import { lintDiagnostics, splitFollowing } from './diagnostics.js';
import { clearDraft, draftKey, draftNote, isDirty, modifiedPaths, readDraft, writeDraft } from './drafts.js';
import { UNREACHABLE, userMessage } from './messages.js';
import { ruleSetNameProblem } from './names.js';
import { bucketCounts, timelineOfCounts } from './timeline.js';

describe('drafts', () => {
  const memory = () => {
    const items = new Map();
    return { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => items.set(k, String(v)), removeItem: (k) => items.delete(k), items };
  };

  it('keeps a draft per rule set, new files included, until it is cleared', () => {
    const storage = memory();
    const draft = { files: { 'a.drl': 'x', 'new.rule.yaml': 'rule: y' }, settings: { lateness: '2s' }, baseVersion: 3, savedAt: '2026-11-20T10:00:00Z' };
    expect(writeDraft(storage, 'fraud', draft)).toBe(true);
    expect(readDraft(storage, 'fraud')).toEqual(draft);
    expect(readDraft(storage, 'monitoring')).toBeNull();
    clearDraft(storage, 'fraud');
    expect(readDraft(storage, 'fraud')).toBeNull();
  });

  it('reads a damaged draft as none, and a full storage as not kept', () => {
    const storage = memory();
    storage.setItem(draftKey('fraud'), '{not json');
    expect(readDraft(storage, 'fraud')).toBeNull();
    expect(writeDraft({ setItem: () => { throw new Error('QuotaExceededError'); } }, 'fraud', { files: {} })).toBe(false);
  });

  it('marks changed and new files as modified, and a deleted file or a changed setting as dirty', () => {
    const baseline = { files: { 'a.drl': 'x', 'b.drl': 'y' }, settings: { clock: 'event-time' } };
    expect([...modifiedPaths({ 'a.drl': 'x!', 'b.drl': 'y', 'c.drl': '' }, baseline.files)]).toEqual(['a.drl', 'c.drl']);
    expect(isDirty({ 'a.drl': 'x', 'b.drl': 'y' }, { clock: 'event-time' }, baseline)).toBe(false);
    expect(isDirty({ 'a.drl': 'x' }, { clock: 'event-time' }, baseline)).toBe(true);
    expect(isDirty({ 'a.drl': 'x', 'b.drl': 'y' }, { clock: 'realtime' }, baseline)).toBe(true);
  });

  it('notes the draft\'s time and base, and a newer version deployed since', () => {
    const draft = { files: {}, baseVersion: 3, savedAt: '2026-11-20T10:00:00Z' };
    expect(draftNote(draft, 3, 'en-GB')).toMatch(/^Restored unsaved draft from \d\d:\d\d:\d\d on 2026-11-20, based on v3\.$/);
    expect(draftNote(draft, 5, 'en-GB')).toMatch(/based on v3; v5 has been deployed since: deploying this draft replaces it\.$/);
    expect(draftNote({ ...draft, baseVersion: null }, null)).toMatch(/, not deployed yet\.$/);
  });
});

describe('userMessage', () => {
  it('says the server cannot be reached instead of "Failed to fetch"', async () => {
    globalThis.sessionStorage = { getItem: () => null };
    const failing = () => Promise.reject(new TypeError('Failed to fetch'));
    const e = await call('GET', '/api/v1/rulesets', undefined, { fetchImpl: failing }).catch((x) => x);
    expect(userMessage(e)).toBe(UNREACHABLE);
    expect(userMessage(new TypeError('Failed to fetch'))).toBe(UNREACHABLE);
  });

  it('counts the errors of rules that do not compile and points to the problems', () => {
    const e = new ApiError(422, { error: 'rules_do_not_compile', message: "rule set 'fraud' does not compile; the running version is unchanged",
      details: [{ level: 'error', file: 'a.drl', line: 3, column: 5, message: 'x' }, { level: 'error', message: 'y', follows: true }, { level: 'warning', message: 'z' }] });
    expect(userMessage(e)).toBe('does not compile: 2 errors (see Problems)');
  });

  it('gives the server\'s message once, and only the details it does not already say', () => {
    const e = new ApiError(400, { error: 'bad_request', message: "url: the url must be http or https, not 'ftp'",
      details: [{ field: 'url', message: "the url must be http or https, not 'ftp'" }, { field: 'secret', message: 'too short' }] });
    expect(userMessage(e)).toBe("url: the url must be http or https, not 'ftp'\n  secret: too short");
    expect(userMessage(new ApiError(401, { error: 'unauthorized', message: 'the token is not valid' }))).toBe('the token is not valid');
  });
});

describe('rule set names', () => {
  it('takes what the server takes and says what is wrong with the rest', () => {
    expect(ruleSetNameProblem('fraud-2.eu_west')).toBeNull();
    expect(ruleSetNameProblem('-fraud')).toBe("a name starts with a letter or digit, not '-'");
    expect(ruleSetNameProblem('my fraud')).toBe("a name has only letters, digits, '.', '_' and '-', not ' '");
    expect(ruleSetNameProblem('x'.repeat(65))).toBe('a name has at most 64 characters, this one 65');
    expect(ruleSetNameProblem('')).toBe('give the rule set a name');
  });
});

describe('diagnostics that follow from another', () => {
  it('are listed apart and not marked in the editor', () => {
    const all = [{ file: 'a.drl', line: 1, column: 2, level: 'error', message: 'cause' },
      { file: 'b.rule.yaml', line: 3, column: 1, level: 'error', message: "unknown event type 'T'", follows: true }];
    expect(splitFollowing(all)).toEqual({ causes: [all[0]], following: [all[1]] });
    expect(lintDiagnostics(all, 'b.rule.yaml', 'x\ny\nz', 'a.drl')).toEqual([]);
  });
});

describe('timeline of counted events', () => {
  it('places the server\'s bucket counts in a chart spanning the journal range asked for', () => {
    const counts = bucketCounts({ start: '2026-11-20T10:00:00Z', widthMs: 60e3, events: [2, 0, 3] });
    const from = Date.parse('2026-11-20T10:00:30Z');
    const { width, data } = timelineOfCounts(counts, [{ eventTime: '2026-11-20T10:02:10Z' }, { eventTime: '2026-11-20T11:00:00Z' }],
      { from, to: Date.parse('2026-11-20T10:10:30Z') });
    expect(width).toBe(5e3);
    expect(data[0][0]).toBe(from / 1000);
    expect(data[0]).toHaveLength(120);
    expect(data[1].reduce((a, b) => a + b, 0)).toBe(5);
    expect(data[1][0]).toBe(2);
    expect(data[2].reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('has no points without a timeline from the server', () => {
    expect(bucketCounts(undefined)).toEqual([]);
    expect(timelineOfCounts([], []).data).toEqual([[], [], []]);
  });
});
