// One rule set in the editor: its files as tabs, validated while typing, deployed with Ctrl/Cmd-S;
// beside it the backtest, the rule tests and the versions.

import { basicSetup } from 'codemirror';
import { EditorView, keymap } from '@codemirror/view';
import { EditorState, Prec } from '@codemirror/state';
import { StreamLanguage } from '@codemirror/language';
import { yaml } from '@codemirror/lang-yaml';
import { autocompletion } from '@codemirror/autocomplete';
import { lintGutter, setDiagnostics } from '@codemirror/lint';
import { ApiError, enc, get, post, put } from './api.js';
import { completionOptions } from './completion.js';
import { countLevels, diagnosticRange, lintDiagnostics, severityOf, splitFollowing } from './diagnostics.js';
import { busy, errorBox, fill, h, showError, time } from './dom.js';
import { drlStream } from './drl.js';
import { TEMPLATES } from './templates.js';
import { backtestPanel } from './backtest.js';
import { versionsPanel } from './versions.js';
import { testsPanel } from './tests.js';
import { settingsPanel } from './settings.js';
import { managedState } from './managed.js';
import { simulatorPanel } from './simulator.js';
import { unsavedWork } from './unsaved.js';

const drlLanguage = StreamLanguage.define(drlStream);
const VALIDATE_DELAY_MS = 400;

const isTest = (path) => path.endsWith('.test.yaml');

function languageOf(path) {
  return /\.ya?ml$/.test(path) ? yaml() : drlLanguage;
}

export function editorScreen(app, session, name, params) {
  const canWrite = session.can('rules:write');
  const model = {
    name,
    order: [],
    states: new Map(),
    active: null,
    settings: {},
    kafka: null,
    version: null,
    eventTypes: [],
    diagnostics: [],
    validated: 0,
  };
  let validateTimer = null;
  let closed = false;
  /** The rules folder that manages the rule set, as managedState() reads it; null when none does. */
  let managed = null;
  /** Whether the editor may change the rule set: the token may write rules and no read-only folder manages it. */
  const editable = () => canWrite && !managed?.readOnly;

  const title = h('h2', name);
  const versionBadge = h('span.badge', { id: 'version' }, 'not deployed');
  const managedBadge = h('span.badge.managed', { id: 'managed', hidden: true });
  const managedNote = h('div.managed-note', { id: 'managed-note', hidden: true });
  const status = h('span.status', { id: 'validation' });
  const deployButton = canWrite ? h('button.primary', { id: 'deploy', title: 'Ctrl/Cmd-S', onclick: () => deploy() }, 'Deploy')
    : h('span.muted', { id: 'read-only' }, 'read-only: your token can read rules');
  const deploySlot = h('div', { id: 'deploy-result' });
  const tabs = h('div.tabs', { id: 'tabs', role: 'tablist' });
  const editorHost = h('div.editor', { id: 'editor' });
  const problems = h('div.problems', { id: 'problems' });
  const loadSlot = h('div');
  const draftSlot = h('div');

  const view = new EditorView({ parent: editorHost });

  const side = {
    backtest: h('div.panel', { id: 'panel-backtest' }),
    tests: h('div.panel', { id: 'panel-tests', hidden: true }),
    versions: h('div.panel', { id: 'panel-versions', hidden: true }),
    settings: h('div.panel', { id: 'panel-settings', hidden: true }),
    simulator: h('div.panel', { id: 'panel-simulator', hidden: true }),
  };
  // A disabled fieldset disables every field of the settings form, those it adds later too.
  const settingsFields = h('fieldset.plain', { id: 'settings-fields' });
  side.settings.append(settingsFields);
  const sideTabs = h('div.tabs.side',
    Object.keys(side).map((key) => h('button.tab', {
      id: `show-${key}`,
      onclick: (ev) => {
        for (const [k, el] of Object.entries(side)) el.hidden = k !== key;
        sideTabs.querySelectorAll('button').forEach((b) => b.classList.toggle('active', b === ev.currentTarget));
      },
      className: key === 'backtest' ? 'tab active' : 'tab',
    }, key[0].toUpperCase() + key.slice(1))));

  fill(app, h('section.editor-screen',
    h('div.toolbar', title, versionBadge, managedBadge, status, h('span.grow'), deployButton),
    managedNote, deploySlot, loadSlot, draftSlot,
    h('div.split',
      h('div.left', tabs, editorHost, problems),
      h('div.right', sideTabs, ...Object.values(side)))));

  const files = () => Object.fromEntries(model.order.map((p) => [p, model.states.get(p).doc.toString()]));
  const ruleFiles = () => Object.fromEntries(Object.entries(files()).filter(([p]) => !isTest(p)));
  const context = {
    name,
    session,
    files,
    ruleFiles,
    settings: () => model.settings,
    kafka: () => model.kafka,
    deployedVersion: () => model.version,
    editable,
    eventTypes: () => model.eventTypes,
    reload: () => load(),
    rolledBack: (version, from) => {
      unsaved.saved();
      fill(deploySlot, h('div.ok', { id: 'deployed' }, `Rolled back to the files of v${from}: v${version} is active`));
      versionBadge.textContent = `v${version}`;
      return load();
    },
  };
  const unsaved = unsavedWork({
    name,
    files,
    settings: () => model.settings,
    noteSlot: draftSlot,
    onDiscard: (loaded) => {
      model.settings = loaded.settings;
      settings.refresh();
      setFiles(loaded.files);
      edited();
    },
  });
  const backtest = backtestPanel(side.backtest, context);
  testsPanel(side.tests, context);
  const versions = versionsPanel(side.versions, context);
  const settings = settingsPanel(settingsFields, context, () => {
    scheduleValidate();
    edited();
  });
  const simulator = simulatorPanel(side.simulator, context);

  function newState(path, text) {
    const complete = (ctx) => {
      const word = ctx.matchBefore(/\.ya?ml$/.test(path) ? /[\w-]+/ : /[@\w$]+(:\w*)?/);
      if (!ctx.explicit && (!word || word.from === word.to)) return null;
      const line = ctx.state.doc.lineAt(ctx.pos);
      const before = line.text.slice(0, ctx.pos - line.from);
      return { from: word ? word.from : ctx.pos, options: completionOptions(path, before, model.eventTypes), validFor: /^[\w@$:-]*$/ };
    };
    return EditorState.create({
      doc: text,
      extensions: [
        basicSetup,
        languageOf(path),
        lintGutter(),
        autocompletion({ override: [complete] }),
        Prec.high(keymap.of([{ key: 'Mod-s', preventDefault: true, run: () => { deploy(); return true; } }])),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) {
            scheduleValidate();
            edited();
          }
        }),
        EditorState.readOnly.of(!editable()),
      ],
    });
  }

  function setFiles(fileMap) {
    model.states.clear();
    model.order = Object.keys(fileMap).sort((a, b) => (isTest(a) - isTest(b)) || a.localeCompare(b));
    for (const p of model.order) model.states.set(p, newState(p, fileMap[p]));
    model.active = null;
    select(model.order[0]);
  }

  function saveActive() {
    if (model.active && model.states.has(model.active)) model.states.set(model.active, view.state);
  }

  function select(path) {
    saveActive();
    model.active = path;
    if (path) {
      view.setState(model.states.get(path));
      applyMarkers();
    }
    renderTabs();
  }

  /** After every change of the files or settings: the draft kept, the tabs' markers, a failed deploy's banner gone. */
  function edited() {
    if (!canWrite) return;
    saveActive();
    unsaved.edited();
    if (deploySlot.querySelector('.error')) fill(deploySlot);
    const marks = [...unsaved.modified()].sort().join('\n');
    if (marks !== tabs.dataset.modified) renderTabs();
  }

  function renderTabs() {
    const modified = unsaved.modified();
    tabs.dataset.modified = [...modified].sort().join('\n');
    fill(tabs,
      model.order.map((p) => h(`div.tab${p === model.active ? '.active' : ''}${modified.has(p) ? '.modified' : ''}`, { role: 'tab', dataset: { path: p } },
        h('button.name', { onclick: () => select(p), ondblclick: () => rename(p), title: 'double-click to rename' }, p,
          modified.has(p) ? h('span.marker', { title: 'unsaved changes (kept as a draft in this browser)' }, ' ●') : null),
        editable() ? h('button.close', { title: `delete ${p}`, onclick: () => remove(p) }, '×') : null)),
      editable() ? h('button.tab.add', { id: 'add-file', title: 'add a file', onclick: addFile }, '+ file') : null);
  }

  function validName(path) {
    if (!/^[\w.-]+(\/[\w.-]+)*\.(drl|rule\.yaml|test\.yaml|dsl|dslr)$/.test(path)) {
      showError(deploySlot, new Error(`'${path}' is not a rule file name: end it in .drl, .rule.yaml, .test.yaml, .dsl or .dslr`));
      return false;
    }
    if (model.states.has(path)) {
      showError(deploySlot, new Error(`there is a file '${path}' already`));
      return false;
    }
    return true;
  }

  function addFile() {
    const path = window.prompt('New file name (.drl, .rule.yaml or .test.yaml)', 'rules.rule.yaml');
    if (!path || !validName(path.trim())) return;
    saveActive();
    const p = path.trim();
    model.states.set(p, newState(p, p.endsWith('.drl') ? `package ${name.replace(/\W/g, '_')};\n` : ''));
    model.order.push(p);
    select(p);
    scheduleValidate(0);
    edited();
  }

  function rename(path) {
    if (!editable()) return;
    const next = window.prompt(`Rename ${path} to`, path);
    if (!next || next.trim() === path || !validName(next.trim())) return;
    saveActive();
    const text = model.states.get(path).doc.toString();
    model.states.delete(path);
    model.states.set(next.trim(), newState(next.trim(), text));
    model.order[model.order.indexOf(path)] = next.trim();
    model.active = null;
    select(next.trim());
    scheduleValidate(0);
    edited();
  }

  function remove(path) {
    if (!window.confirm(`Delete ${path} from the rule set? (It is gone from the next deploy.)`)) return;
    model.states.delete(path);
    model.order = model.order.filter((p) => p !== path);
    if (model.active === path) model.active = null;
    select(model.order[0] ?? null);
    if (!model.order.length) view.setState(EditorState.create({ doc: '' }));
    scheduleValidate(0);
    edited();
  }

  function applyMarkers() {
    if (!model.active) return;
    const text = view.state.doc.toString();
    view.dispatch(setDiagnostics(view.state, lintDiagnostics(model.diagnostics, model.active, text, model.order[0])));
  }

  function renderProblems(extra) {
    const { errors, warnings } = countLevels(model.diagnostics);
    const { causes, following } = splitFollowing(model.diagnostics);
    const item = (d) => h(`li.${severityOf(d.level)}`, {
      onclick: () => reveal(d),
      title: 'show in the editor',
    }, h('span.where', `${d.file ?? '(rule set)'}:${d.line ?? 0}:${d.column ?? 0}`), ' ', h('span.level', severityOf(d.level)), ' ', d.message);
    const n = following.length;
    fill(problems,
      h('div.problems-head', `Problems: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`),
      extra,
      h('ul', causes.map(item)),
      n ? h('details.following', { id: 'following' },
        h('summary', `${n} more error${n === 1 ? '' : 's'} that follow${n === 1 ? 's' : ''} from the first`),
        h('ul', following.map(item))) : null);
  }

  function reveal(d) {
    const path = d.file && model.states.has(d.file) ? d.file : model.order[0];
    if (path !== model.active) select(path);
    const { from } = diagnosticRange(view.state.doc.toString(), d.line, d.column);
    view.dispatch({ selection: { anchor: from }, scrollIntoView: true });
    view.focus();
  }

  function scheduleValidate(delay = VALIDATE_DELAY_MS) {
    if (!canWrite) {
      status.textContent = 'validation needs rules:write';
      status.className = 'status';
      return;
    }
    clearTimeout(validateTimer);
    validateTimer = setTimeout(validate, delay);
    status.textContent = 'checking…';
    status.className = 'status pending';
  }

  async function validate() {
    saveActive();
    const seq = ++model.validated;
    if (!model.order.some((p) => !isTest(p))) {
      model.diagnostics = [];
      renderProblems(h('p.muted', 'No rule files yet.'));
      status.textContent = '';
      return;
    }
    try {
      const answer = await post(`/api/v1/rulesets/${enc(name)}/validate`, { files: files(), settings: model.settings });
      if (seq !== model.validated || closed) return;
      model.diagnostics = answer.diagnostics || [];
      if (answer.eventTypes) {
        model.eventTypes = answer.eventTypes;
        settings.eventTypesChanged();
        simulator.eventTypesChanged();
      }
      const rules = (answer.rules || []).length;
      status.textContent = answer.valid ? `compiles: ${rules} rule${rules === 1 ? '' : 's'}` : 'does not compile';
      status.className = `status ${answer.valid ? 'ok' : 'bad'}`;
      if (answer.valid && deploySlot.querySelector('.error')) fill(deploySlot);
      renderProblems();
    } catch (e) {
      if (seq !== model.validated || closed) return;
      model.diagnostics = [];
      status.textContent = 'not checked';
      status.className = 'status bad';
      renderProblems(errorBox(e));
    }
    applyMarkers();
  }

  async function deploy() {
    if (!editable()) return;
    saveActive();
    await busy(deployButton, deploySlot, async () => {
      try {
        const answer = await put(`/api/v1/rulesets/${enc(name)}`, { files: files(), settings: model.settings });
        model.version = answer.version;
        versionBadge.textContent = `v${answer.version}`;
        unsaved.setBaseline(files(), model.settings, answer.version);
        unsaved.saved();
        renderTabs();
        const warnings = answer.warnings || [];
        fill(deploySlot, h('div.ok', { id: 'deployed' }, `Deployed version ${answer.version}`,
          warnings.length ? ` with ${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : ''));
        history.replaceState(null, '', `#/editor/${enc(name)}`);
        versions.refresh();
      } catch (e) {
        if (e instanceof ApiError && e.status === 422) {
          model.diagnostics = e.details;
          renderProblems();
          applyMarkers();
        }
        throw e;
      }
    });
  }

  async function load() {
    await busy(null, loadSlot, async () => {
      let current = null;
      try {
        current = await get(`/api/v1/rulesets/${enc(name)}`);
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 404)) throw e;
      }
      showManaged(current);
      if (current) {
        model.version = current.version;
        model.settings = current.settings || {};
        model.kafka = current.kafka ?? null;
        model.eventTypes = current.eventTypes || [];
        versionBadge.textContent = `v${current.version}`;
        versionBadge.title = `deployed ${time(current.deployedAt)}; clock ${model.settings.clock ?? ''}`;
      } else {
        versionBadge.textContent = 'new: not deployed';
      }
      const loaded = current ? current.files : (TEMPLATES[params.get('template')] ?? TEMPLATES['fraud-drl']).files;
      unsaved.setBaseline(loaded, model.settings, current ? current.version : null);
      // Unsaved edits of an earlier visit come back, with a note saying so.
      const draft = canWrite ? unsaved.restore() : null;
      if (draft) model.settings = draft.settings;
      setFiles(draft ? draft.files : loaded);
      if (draft) select(model.order.find((p) => unsaved.modified().has(p)) ?? model.active);
      settings.refresh();
      versions.refresh();
      scheduleValidate(0);
    });
  }

  /** Names the folder that manages the rule set, says how to change it, and makes the editor read-only when it must be. */
  function showManaged(view) {
    managed = managedState(view);
    managedBadge.hidden = !managed;
    managedBadge.textContent = managed?.badge ?? '';
    managedNote.hidden = !managed;
    fill(managedNote, managed ? [h('span', managed.note), managed.drift ? h('div.drift', { id: 'drift' }, managed.drift) : null] : []);
    deployButton.disabled = !editable();
    settingsFields.disabled = !editable();
  }

  renderProblems();
  load();
  const close = () => {
    closed = true;
    clearTimeout(validateTimer);
    backtest.close();
    view.destroy();
  };
  close.unsaved = () => canWrite && unsaved.dirty();
  return close;
}
