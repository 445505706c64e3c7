// The editor's unsaved work: what was loaded (the baseline), which files differ from it, and the
// draft kept in localStorage after every edit, restored with a note when the rule set is opened again.

import { clearDraft, draftNote, isDirty, modifiedPaths, readDraft, writeDraft } from './drafts.js';
import { fill, h } from './dom.js';

const clone = (o) => JSON.parse(JSON.stringify(o ?? {}));

/**
 * Tracks rule set {@code name}'s edits: {@code files()} and {@code settings()} read the editor;
 * the restore note goes to {@code noteSlot}, whose Discard button calls {@code onDiscard(baseline)}.
 */
export function unsavedWork({ name, files, settings, noteSlot, onDiscard, storage = window.localStorage }) {
  let baseline = { files: {}, settings: {}, version: null };

  function dirty() {
    return isDirty(files(), settings(), baseline);
  }

  return {
    dirty,
    /** The paths that differ from what was loaded, new files included. */
    modified: () => modifiedPaths(files(), baseline.files),
    /** What was loaded or deployed last: edits are measured from it and a draft is based on it. */
    setBaseline(loadedFiles, loadedSettings, version) {
      baseline = { files: { ...loadedFiles }, settings: clone(loadedSettings), version };
    },
    /** After an edit: keeps the draft, or drops it when the edit undid every change. */
    edited() {
      if (dirty()) {
        writeDraft(storage, name, { files: files(), settings: settings(), baseVersion: baseline.version, savedAt: new Date().toISOString() });
      } else {
        clearDraft(storage, name);
      }
    },
    /** After a deploy or a rollback: nothing is unsaved any more. */
    saved() {
      clearDraft(storage, name);
      fill(noteSlot);
    },
    /** The draft to open instead of what was loaded, with its note shown; null when there is none. */
    restore() {
      const draft = readDraft(storage, name);
      if (!draft || !isDirty(draft.files, draft.settings, baseline)) return null;
      fill(noteSlot, h('div.draft-note', { id: 'draft-note' }, draftNote(draft, baseline.version), ' ',
        h('button', {
          id: 'discard-draft',
          onclick: () => {
            clearDraft(storage, name);
            fill(noteSlot);
            onDiscard({ files: { ...baseline.files }, settings: clone(baseline.settings) });
          },
        }, 'Discard')));
      return { files: draft.files, settings: clone(draft.settings) };
    },
  };
}
