// Unsaved edits kept in the browser: a draft per rule set of its files (new ones too) and settings,
// with the version it was based on, so that a reload or a crash loses nothing.

const PREFIX = 'vigil.draft.';

/** The storage key of rule set {@code name}'s draft. */
export function draftKey(name) {
  return PREFIX + name;
}

/** The draft of rule set {@code name} in {@code storage}: {files, settings, baseVersion, savedAt}, or null. */
export function readDraft(storage, name) {
  try {
    const draft = JSON.parse(storage.getItem(draftKey(name)));
    return draft && typeof draft.files === 'object' && draft.files !== null ? draft : null;
  } catch {
    return null;
  }
}

/** Keeps {@code draft} for rule set {@code name}; false when the storage refused it (full, or off). */
export function writeDraft(storage, name, draft) {
  try {
    storage.setItem(draftKey(name), JSON.stringify(draft));
    return true;
  } catch {
    return false;
  }
}

export function clearDraft(storage, name) {
  storage.removeItem(draftKey(name));
}

/** The paths of {@code files} whose text differs from {@code baseline}'s, or that it has not. */
export function modifiedPaths(files, baseline) {
  return new Set(Object.keys(files).filter((p) => baseline[p] !== files[p]));
}

/** Whether the editor's files and settings differ from what was loaded (a file added, changed or deleted, a setting changed). */
export function isDirty(files, settings, baseline) {
  const paths = Object.keys(files);
  return modifiedPaths(files, baseline.files).size > 0
    || paths.length !== Object.keys(baseline.files).length
    || JSON.stringify(sortedObject(settings)) !== JSON.stringify(sortedObject(baseline.settings));
}

function sortedObject(o) {
  return Object.fromEntries(Object.entries(o || {}).sort(([a], [b]) => a.localeCompare(b)));
}

/** "14:03:07 on 2026-11-20": a draft's time, as the note says it. */
function when(iso, locale) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return 'an unknown time';
  return `${d.toLocaleTimeString(locale, { hour12: false })} on ${d.toISOString().slice(0, 10)}`;
}

/**
 * The note shown when a draft is restored: its time and base version, and whether a newer version
 * has been deployed since (its edits then start from an older version).
 */
export function draftNote(draft, deployedVersion, locale = 'en-GB') {
  const base = draft.baseVersion ? `based on v${draft.baseVersion}` : 'not deployed yet';
  let note = `Restored unsaved draft from ${when(draft.savedAt, locale)}, ${base}`;
  if (deployedVersion && draft.baseVersion !== deployedVersion && (draft.baseVersion ?? 0) < deployedVersion) {
    note += `; v${deployedVersion} has been deployed since: deploying this draft replaces it`;
  }
  return `${note}.`;
}
