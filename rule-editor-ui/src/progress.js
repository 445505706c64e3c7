// Progress of long work (a replay job, a run of rule tests): "12,000 of 40,000 events, about 20 s
// left" over a bar, with Cancel; and how one webhook attempt went.

import { fill, h } from './dom.js';

const count = (n) => Number(n).toLocaleString('en-US');

/** "about 20 s left", "about 3 min left", or null while nothing is done to judge by. */
export function timeLeft(done, total, elapsedMs) {
  if (!total || !done || !elapsedMs || done >= total) return null;
  const seconds = Math.ceil(((total - done) * elapsedMs) / done / 1000);
  if (seconds < 60) return `about ${seconds} s left`;
  if (seconds < 3600) return `about ${Math.round(seconds / 60)} min left`;
  return `about ${Math.round(seconds / 360) / 10} h left`;
}

/** "2.5 s", "3 min 5 s": how long a job ran. */
export function duration(ms) {
  if (ms < 60000) return `${Math.round(ms / 100) / 10} s`;
  return `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
}

/**
 * A job's progress as a line: "12,000 of 40,000 events, about 20 s left" while it runs ("12,000
 * events" when the total is not known), "queued: ..." before it starts, and once it has ended
 * "40,000 of 40,000 events in 2.5 s", "cancelled after ..." or "failed after ...".
 */
export function progressText(progress, unit, status) {
  if (status === 'queued') return `queued: waiting for the ${unit === 'cases' ? 'rule tests' : 'replay'} ahead of it`;
  if (status === 'running' && progress?.phase === 'sorting') return 'sorting the events by event time';
  const done = progress?.[unit] ?? 0;
  const total = progress?.total;
  const head = total == null ? `${count(done)} ${unit}` : `${count(done)} of ${count(total)} ${unit}`;
  if (status === 'done') return `${head} in ${duration(progress?.elapsedMs ?? 0)}`;
  if (status === 'cancelled' || status === 'failed') return `${status} after ${head}`;
  const left = timeLeft(done, total, progress?.elapsedMs);
  return left ? `${head}, ${left}` : head;
}

/** The share done, 0 to 100, or null when the total is not known. */
export function percent(progress, unit) {
  const total = progress?.total;
  if (total == null) return null;
  if (total === 0) return 100;
  return Math.min(100, Math.floor((100 * (progress[unit] ?? 0)) / total));
}

/** How one webhook attempt went: "delivered: 200 in 35 ms", "pending: the receiver answered 503 (tried again later), 12 ms". */
export function attemptText(attempt) {
  const took = `${attempt.ms ?? 0} ms`;
  if (attempt.state === 'delivered') return `delivered: ${attempt.status} in ${took}`;
  const why = attempt.error ?? (attempt.status != null ? `the receiver answered ${attempt.status}` : 'not sent');
  return attempt.state === 'pending' ? `pending: ${why} (tried again later), ${took}` : `${attempt.state}: ${why}, ${took}`;
}

/**
 * Polls a job at {@code url} until it ends, showing its progress in {@code host} as a bar with a
 * Cancel button (which sends DELETE to the same url); resolves to the job as it ended.
 */
export function followJob(host, url, unit, { get, del, interval = 400, onTimer = () => {} }) {
  return new Promise((resolve, reject) => {
    const bar = h('div.bar');
    const text = h('span.progress-text');
    const cancel = h('button.cancel', {
      onclick: () => {
        cancel.disabled = true;
        del(url).catch(reject);
      },
    }, 'Cancel');
    host.hidden = false;
    fill(host, h('div.track', bar), text, cancel);
    const step = async () => {
      try {
        const job = await get(url);
        const pct = percent(job.progress, unit);
        bar.style.width = `${pct ?? 100}%`;
        bar.classList.toggle('unknown', pct === null);
        text.textContent = progressText(job.progress, unit, job.status);
        host.dataset.status = job.status;
        if (['done', 'failed', 'cancelled'].includes(job.status)) {
          cancel.hidden = true;
          resolve(job);
        } else {
          onTimer(setTimeout(step, interval));
        }
      } catch (e) {
        reject(e);
      }
    };
    step();
  });
}
