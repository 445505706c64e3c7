// Events and alerts counted per time bucket, for the backtest's timeline chart.

/** Epoch ms of an event's or alert's time (ISO-8601 or epoch ms); null when it has none. */
export function millis(time) {
  if (time === undefined || time === null || time === '') return null;
  if (typeof time === 'number') return time;
  if (/^\d+$/.test(time)) return Number(time);
  const t = Date.parse(time);
  return Number.isNaN(t) ? null : t;
}

const STEPS = [1e3, 5e3, 10e3, 30e3, 60e3, 5 * 60e3, 10 * 60e3, 30 * 60e3, 3600e3, 6 * 3600e3, 86400e3, 7 * 86400e3];

/** A bucket width from this list giving at most {@code maxBuckets} buckets over [from, to]. */
export function bucketWidth(from, to, maxBuckets = 120) {
  const span = Math.max(to - from, 1);
  return STEPS.find((s) => span / s <= maxBuckets) ?? Math.ceil(span / maxBuckets);
}

/**
 * Columns for uPlot: [x (epoch seconds), events per bucket, alerts per bucket], plus the width.
 * Alerts are placed at their event time.
 */
export function timeline(events, alerts) {
  return timelineOfCounts(events.map((e) => [millis(e.time), 1]), alerts);
}

/**
 * The server's event counts of a replay ({start, widthMs, events: [n per bucket]}) as
 * [time, count] pairs, for {@link timelineOfCounts}.
 */
export function bucketCounts(serverTimeline) {
  const start = millis(serverTimeline?.start);
  if (start === null) return [];
  return (serverTimeline.events || []).map((n, i) => [start + i * serverTimeline.widthMs, n]);
}

/**
 * {@link timeline} of events given as [time, count] pairs (a count per time or per bucket start).
 * With a {@code window} ({from, to} in epoch ms: the range the events were taken from) the chart
 * spans the window, whatever the events' own spread; a bucket that starts before it counts at its start.
 */
export function timelineOfCounts(counts, alerts, window) {
  const inWindow = (t) => t !== null && (!window || (t >= window.from && t < window.to));
  const points = counts.filter(([t]) => t !== null).map(([t, n]) => [window ? Math.min(Math.max(t, window.from), window.to - 1) : t, n]);
  const alertTimes = alerts.map((a) => millis(a.eventTime)).filter(inWindow);
  const all = points.map(([t]) => t).concat(alertTimes);
  if (all.length === 0 && !window) return { width: 0, data: [[], [], []] };
  let from = window ? window.from : Infinity;
  let to = window ? window.to - 1 : -Infinity;
  if (!window) {
    for (const t of all) {
      if (t < from) from = t;
      if (t > to) to = t;
    }
  }
  const width = bucketWidth(from, to);
  const start = Math.floor(from / width) * width;
  const n = Math.floor((to - start) / width) + 1;
  const x = Array.from({ length: n }, (_, i) => (start + i * width) / 1000);
  const ev = new Array(n).fill(0);
  const al = new Array(n).fill(0);
  for (const [t, count] of points) ev[Math.floor((t - start) / width)] += count;
  for (const t of alertTimes) al[Math.floor((t - start) / width)]++;
  return { width, data: [x, ev, al] };
}
