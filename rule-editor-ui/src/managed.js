// A rule set that a rules folder manages: how the editor names it and whether the editor may change it.

/**
 * What the editor shows of a rule set view's managedBy, folderWritable and drift: a badge, whether
 * the text is read-only, a note saying how to change it, and why the folder differs from what runs
 * (null when it does not); null when no folder manages the rule set.
 */
export function managedState(view) {
  if (!view || !view.managedBy) return null;
  const folder = view.managedBy;
  const writable = view.folderWritable === true;
  return {
    badge: `managed by ${folder}`,
    readOnly: !writable,
    note: writable
      ? `Deploying writes the files to ${folder}, and rolling back writes the old version's files there.`
      : `This rule set comes from ${folder}: edit its files there and the server deploys them when saved, or start the server with`
        + ' --rules-writable to deploy from here. Validation, tests and backtests still work on the text.',
    drift: view.drift ?? null,
  };
}
