// Diagnostics of the validate endpoint placed in the editor: a 1-based line and column become an
// offset range of the document, clamped to what the document holds.

/**
 * The {from, to} of a diagnostic in {@code text}: from its column to the end of the word there,
 * the whole line when the column is unknown, the first line when the line is unknown.
 */
export function diagnosticRange(text, line, column) {
  const lines = text.split('\n');
  const lineIndex = Math.min(Math.max((line || 1) - 1, 0), Math.max(lines.length - 1, 0));
  let lineStart = 0;
  for (let k = 0; k < lineIndex; k++) lineStart += lines[k].length + 1;
  const lineText = lines[lineIndex] ?? '';
  if (!column || column < 1) {
    const indent = lineText.length - lineText.trimStart().length;
    return { from: lineStart + indent, to: lineStart + Math.max(lineText.length, indent) };
  }
  const col = Math.min(column - 1, lineText.length);
  const word = /^[\w$@:.]+/.exec(lineText.slice(col));
  const len = word ? word[0].length : Math.min(1, lineText.length - col);
  return { from: lineStart + col, to: lineStart + col + len };
}

/** Severity of a diagnostic level for the editor: error, warning or info. */
export function severityOf(level) {
  const l = String(level || '').toLowerCase();
  return l === 'error' ? 'error' : l === 'warning' || l === 'warn' ? 'warning' : 'info';
}

/**
 * The diagnostics of one file as CodeMirror lint diagnostics; those without a file (of the rule
 * set as a whole) go to the first file; those that follow from another are not marked.
 */
export function lintDiagnostics(all, path, text, firstPath) {
  return all
    .filter((d) => !d.follows && (d.file === path || (!d.file && path === firstPath)))
    .map((d) => ({ ...diagnosticRange(text, d.line, d.column), severity: severityOf(d.level), message: d.message, source: 'vigil' }));
}

/** Counts of errors and warnings, for the problems list header. */
export function countLevels(all) {
  let errors = 0;
  let warnings = 0;
  for (const d of all) {
    if (severityOf(d.level) === 'error') errors++;
    else if (severityOf(d.level) === 'warning') warnings++;
  }
  return { errors, warnings };
}

/**
 * The diagnostics to list, and those that follow from the first ones (an unknown type whose DRL
 * file does not parse: {@code "follows": true} from the server), shown collapsed.
 */
export function splitFollowing(all) {
  return { causes: all.filter((d) => !d.follows), following: all.filter((d) => d.follows) };
}
