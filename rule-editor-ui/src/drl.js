// Drools DRL as Vigil uses it: a stream tokenizer for CodeMirror's StreamLanguage.

export const KEYWORDS = [
  'rule', 'when', 'then', 'end', 'declare', 'package', 'import', 'global', 'function', 'query',
  'not', 'exists', 'forall', 'accumulate', 'collect', 'from', 'over', 'eval', 'and', 'or',
  'extends', 'salience', 'no-loop', 'lock-on-active', 'agenda-group', 'activation-group', 'duration',
  'enabled', 'dialect', 'entry-point', 'init', 'action', 'reverse', 'result', 'modify', 'insert',
  'insertLogical', 'retract', 'delete', 'update', 'matches', 'memberOf', 'contains', 'soundslike',
  'in', 'this', 'new', 'return', 'if', 'else', 'null', 'true', 'false', 'window', 'type', 'enum', 'trait',
];

export const TEMPORAL_OPERATORS = [
  'after', 'before', 'meets', 'metby', 'overlaps', 'overlappedby', 'during', 'includes',
  'starts', 'startedby', 'finishes', 'finishedby', 'coincides',
];

export const WINDOWS = ['window:time', 'window:length'];

export const ACCUMULATE_FUNCTIONS = ['count', 'sum', 'average', 'min', 'max', 'collectList', 'collectSet'];

const TYPES = new Set(['String', 'int', 'long', 'double', 'float', 'boolean', 'short', 'byte', 'char',
  'Integer', 'Long', 'Double', 'Boolean', 'Number', 'BigDecimal', 'Date', 'Object', 'List', 'Map', 'Set', 'void']);

const keywordSet = new Set(KEYWORDS);
const temporalSet = new Set(TEMPORAL_OPERATORS);

function blockComment(stream, state) {
  if (stream.skipTo('*/')) {
    stream.match('*/');
    state.inComment = false;
  } else {
    stream.skipToEnd();
  }
  return 'comment';
}

/**
 * The tokenizer: token names are CodeMirror highlighting tags (keyword, operatorKeyword, string,
 * comment, meta, number, variableName, typeName, ...).
 */
export const drlStream = {
  name: 'drl',
  startState: () => ({ inComment: false }),
  token(stream, state) {
    if (state.inComment) return blockComment(stream, state);
    if (stream.eatSpace()) return null;
    if (stream.match('//')) {
      stream.skipToEnd();
      return 'comment';
    }
    if (stream.match('/*')) {
      state.inComment = true;
      return blockComment(stream, state);
    }
    const quote = stream.peek();
    if (quote === '"' || quote === "'") {
      stream.next();
      let escaped = false;
      let ch;
      while ((ch = stream.next()) != null) {
        if (ch === quote && !escaped) break;
        escaped = !escaped && ch === '\\';
      }
      return 'string';
    }
    if (stream.match(/^@[A-Za-z_][\w]*/)) return 'meta';
    if (stream.match(/^window:(time|length)\b/)) return 'keyword';
    if (stream.match(/^\$[\w]+/)) return 'variableName.special';
    if (stream.match(/^\d+(\.\d+)?([smhd]|ms)?\b/)) return 'number';
    if (stream.match(/^(no-loop|lock-on-active|agenda-group|activation-group|entry-point)\b/)) return 'keyword';
    const word = stream.match(/^[A-Za-z_][\w]*/);
    if (word) {
      const w = word[0];
      if (temporalSet.has(w)) return 'operatorKeyword';
      if (w === 'true' || w === 'false' || w === 'null') return 'atom';
      if (keywordSet.has(w)) return 'keyword';
      if (TYPES.has(w)) return 'typeName';
      if (/^[A-Z]/.test(w)) return 'typeName';
      return 'variableName';
    }
    if (stream.match(/^(==|!=|>=|<=|&&|\|\||[<>=!+\-*/%:;,.])/)) return 'operator';
    if (stream.match(/^[()[\]{}]/)) return 'bracket';
    stream.next();
    return null;
  },
  languageData: {
    commentTokens: { line: '//', block: { open: '/*', close: '*/' } },
  },
};

/** Runs the tokenizer over {@code text} with a minimal string stream: [{text, type}] per line, for tests. */
export function tokenize(text, StringStream) {
  const state = drlStream.startState();
  const out = [];
  for (const line of text.split('\n')) {
    const stream = new StringStream(line, 4, 2);
    const tokens = [];
    while (!stream.eol()) {
      const type = drlStream.token(stream, state);
      if (type) tokens.push({ text: stream.current(), type });
      stream.start = stream.pos;
    }
    out.push(tokens);
  }
  return out;
}
