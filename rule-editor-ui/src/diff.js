// A line diff: the longest common subsequence of lines, then runs of same, added and removed lines.

/** Lines of {@code a} and {@code b} as [{op: ' ' | '+' | '-', text, a, b}] with 1-based line numbers. */
export function diffLines(aText, bText) {
  const a = aText === '' ? [] : aText.split('\n');
  const b = bText === '' ? [] : bText.split('\n');
  // Common head and tail first: most edits are small, and the table is then small too.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const n = endA - start;
  const m = endB - start;
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = a[start + i] === b[start + j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out = [];
  for (let k = 0; k < start; k++) out.push({ op: ' ', text: a[k], a: k + 1, b: k + 1 });
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[start + i] === b[start + j]) {
      out.push({ op: ' ', text: a[start + i], a: start + i + 1, b: start + j + 1 });
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) {
      out.push({ op: '+', text: b[start + j], a: null, b: start + j + 1 });
      j++;
    } else {
      out.push({ op: '-', text: a[start + i], a: start + i + 1, b: null });
      i++;
    }
  }
  for (let k = 0; k < a.length - endA; k++) {
    out.push({ op: ' ', text: a[endA + k], a: endA + k + 1, b: endB + k + 1 });
  }
  return out;
}

/** The diff of two versions' files: each path with its status and line diff, sorted by path. */
export function diffFiles(older, newer) {
  const paths = [...new Set([...Object.keys(older), ...Object.keys(newer)])].sort();
  return paths.map((path) => {
    const a = older[path];
    const b = newer[path];
    const status = a === undefined ? 'added' : b === undefined ? 'removed' : a === b ? 'same' : 'changed';
    return { path, status, lines: diffLines(a ?? '', b ?? '') };
  });
}
