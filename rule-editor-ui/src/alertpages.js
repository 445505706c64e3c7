// The stored alerts a page of the alerts view asks for: a range of event time and the cursor of
// the page before.

/** An instant typed by hand: empty (no bound) or ISO-8601 ("2026-11-20T10:00:00Z", or "2026-11-20" for midnight UTC). */
export function parseInstant(text, name) {
  const t = text.trim();
  if (!t) return null;
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(t) ? `${t}T00:00:00Z` : t;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(iso) || Number.isNaN(Date.parse(iso))) {
    throw new Error(`${name}: '${t}' is not an instant; write it as 2026-11-20T10:00:00Z or 2026-11-20`);
  }
  return new Date(Date.parse(iso)).toISOString();
}

/** The event-time range of the since and until inputs; throws naming the input that is wrong. */
export function alertRange(sinceText, untilText) {
  const since = parseInstant(sinceText, 'since');
  const until = parseInstant(untilText, 'until');
  if (since && until && since >= until) throw new Error(`since (${since}) must be before until (${until})`);
  return { since, until };
}

/** The path of a page of stored alerts: newest first, within the range, after {@code cursor} when given. */
export function alertsPath({ since, until }, cursor, limit = 100) {
  const q = new URLSearchParams({ limit: String(limit) });
  if (since) q.set('since', since);
  if (until) q.set('until', until);
  if (cursor) q.set('cursor', cursor);
  return `/api/v1/alerts?${q}`;
}

/** Whether an alert's event time is within the range (since inclusive, until exclusive), as the API judges it. */
export function inRange(alert, { since, until }) {
  const t = Date.parse(alert.eventTime);
  return (!since || t >= Date.parse(since)) && (!until || t < Date.parse(until));
}
