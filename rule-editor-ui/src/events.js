// Events for a backtest read from an uploaded file: NDJSON, a JSON array, or CSV with a header,
// a type and a time column.

/** One CSV record per line of {@code text}, honouring quotes ("a, b" and "" inside quotes). */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

/** A CSV value as JSON: numbers and booleans as such, an empty cell left out. */
function value(text) {
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

/** `yyyy-MM-dd HH:mm:ss` (UTC), ISO-8601 or epoch ms as the event's time. */
export function csvTime(text) {
  if (/^\d+$/.test(text)) return Number(text);
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(:\d{2}(\.\d+)?)?)$/.exec(text);
  if (m) return `${m[1]}T${m[2].length === 5 ? `${m[2]}:00` : m[2]}Z`;
  return text;
}

/**
 * Events of a CSV text: the header names the fields; {@code type} is the event type (a column of
 * that name overrides it per row when {@code typeColumn} is given), {@code timeColumn} the column
 * holding the event time. Throws an Error naming the line for a row of the wrong width.
 */
export function csvEvents(text, { type, timeColumn, typeColumn } = {}) {
  const rows = parseCsv(text);
  if (rows.length === 0) return [];
  const header = rows[0].map((h) => h.trim());
  if (timeColumn && !header.includes(timeColumn)) {
    throw new Error(`the CSV has no column '${timeColumn}'; its columns are ${header.join(', ')}`);
  }
  if (!type && !(typeColumn && header.includes(typeColumn))) {
    throw new Error('give the event type of the CSV rows');
  }
  return rows.slice(1).map((row, k) => {
    if (row.length !== header.length) {
      throw new Error(`CSV line ${k + 2}: ${row.length} values, the header has ${header.length}`);
    }
    const event = { type };
    header.forEach((name, i) => {
      const cell = row[i];
      if (cell === '') return;
      if (name === timeColumn) event.time = csvTime(cell);
      else if (typeColumn && name === typeColumn) event.type = cell;
      else event[name] = value(cell);
    });
    return event;
  });
}

/** Events of NDJSON (one JSON object a line) or of a JSON array; throws an Error naming the line. */
export function jsonEvents(text) {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    const parsed = JSON.parse(trimmed);
    if (!Array.isArray(parsed)) throw new Error('a JSON file must hold an array of events');
    return parsed;
  }
  const out = [];
  text.split(/\r?\n/).forEach((line, k) => {
    if (!line.trim()) return;
    let event;
    try {
      event = JSON.parse(line);
    } catch (e) {
      throw new Error(`line ${k + 1} is not JSON: ${e.message}`);
    }
    if (event === null || typeof event !== 'object' || Array.isArray(event)) {
      throw new Error(`line ${k + 1} is not a JSON object`);
    }
    out.push(event);
  });
  return out;
}

/** Events of an uploaded file by its name: .csv as CSV, anything else as NDJSON or a JSON array. */
export function fileEvents(name, text, csvOptions) {
  return /\.csv$/i.test(name) ? csvEvents(text, csvOptions) : jsonEvents(text);
}

/** The header of a CSV text, to offer its columns. */
export function csvColumns(text) {
  const first = text.split(/\r?\n/, 1)[0] || '';
  return parseCsv(first)[0]?.map((h) => h.trim()) ?? [];
}
