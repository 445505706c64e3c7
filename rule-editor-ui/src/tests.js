// The rule set's test cases (*.test.yaml in the editor, else those deployed) run against the
// active version: pass or fail per case, with the reasons.

import { ApiError, del, enc, get, post } from './api.js';
import { busy, fill, h } from './dom.js';
import { followJob } from './progress.js';

export function testsPanel(root, context) {
  const slot = h('div');
  const out = h('div', { id: 'test-results' });
  const run = h('button.primary', { id: 'run-tests', onclick: () => busy(run, slot, runTests) }, 'Run tests');
  const progress = h('div.job-progress', { id: 'test-progress', hidden: true });

  fill(root, h('h3', 'Rule tests'),
    h('p.muted', 'Runs the *.test.yaml files of the editor against the deployed (active) version: deploy first to test your changes.'),
    run, progress, slot, out);

  async function runTests() {
    const testFiles = Object.fromEntries(Object.entries(context.files()).filter(([p]) => p.endsWith('.test.yaml')));
    if (!context.deployedVersion()) {
      fill(out, h('p.muted', { id: 'tests-not-deployed' }, 'This rule set is not deployed yet: deploy it, then run its tests against it.'));
      return;
    }
    const body = Object.keys(testFiles).length ? { files: testFiles, async: true } : { async: true };
    // The cases run as a job, whose progress in cases shows while they run.
    const queued = await post(`/api/v1/rulesets/${enc(context.name)}/tests`, body);
    fill(out);
    const job = await followJob(progress, queued.href, 'cases', { get, del });
    if (job.status === 'failed') throw new ApiError(0, job.error, 'the rule tests failed');
    if (job.status !== 'done') return;
    const report = job.result;
    const passed = report.cases.filter((c) => c.passed).length;
    const failed = report.cases.length - passed;
    fill(out,
      h(`p.${failed ? 'bad' : 'ok'}`, `${passed} passed, ${failed} failed against v${report.version}`),
      h('ul.cases', report.cases.map((c) => h(`li.${c.passed ? 'pass' : 'fail'}`,
        h('strong', c.passed ? 'PASS ' : 'FAIL '), c.name, h('span.muted', ` (${c.file})`),
        c.failures.length ? h('ul', c.failures.map((f) => h('li', f))) : null))));
  }
}
