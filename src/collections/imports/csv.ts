import { StringDecoder } from 'node:string_decoder';

/**
 * RFC 4180 rows from a stream of bytes, one chunk at a time (memory holds one chunk and one row):
 * quoted fields with `""` escapes and line breaks, CRLF or LF, a UTF-8 BOM, and `;` as the
 * delimiter when the header has more `;` than `,` (what Brazilian spreadsheets export).
 */
export async function* csvRows(chunks: AsyncIterable<Buffer>): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let delimiter: string | undefined;
  let field = '';
  let row: string[] = [];
  let quoted = false;
  /** Inside quotes, a `"` just seen: either an escape (next is `"`) or the closing quote. */
  let quotePending = false;
  let first = true;
  let pending = '';

  // Fields are slices of the decoded text (one string each), never built a character at a time:
  // `field += c` per character made a chain of cons strings per field, which outlived the young
  // generation while a batch was being committed and grew the old one with every row.
  const consume = function* (text: string): Generator<string[]> {
    /** Start of the literal characters not yet added to `field`. */
    let run = 0;
    const take = (end: number) => {
      if (end > run) field += text.slice(run, end);
    };
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (quoted) {
        if (quotePending) {
          quotePending = false;
          if (c === '"') {
            run = i; // an escaped quote: this `"` starts the next literal run
            continue;
          }
          quoted = false;
        } else if (c === '"') {
          take(i);
          run = i + 1;
          quotePending = true;
          continue;
        } else continue;
      }
      if (c === '"' && field === '' && i === run) {
        quoted = true;
        run = i + 1;
      } else if (c === delimiter) {
        take(i);
        row.push(field);
        field = '';
        run = i + 1;
      } else if (c === '\n') {
        take(i);
        row.push(field.endsWith('\r') ? field.slice(0, -1) : field);
        field = '';
        run = i + 1;
        if (!(row.length === 1 && row[0] === '')) yield row;
        row = [];
      }
    }
    take(text.length);
  };

  for await (const chunk of chunks) {
    let text = decoder.write(chunk);
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (!delimiter) {
        pending += text;
        const eol = pending.indexOf('\n');
        if (eol < 0 && pending.length < 65_536) continue;
        const header = eol < 0 ? pending : pending.slice(0, eol);
        delimiter = (header.match(/;/g)?.length ?? 0) > (header.match(/,/g)?.length ?? 0) ? ';' : ',';
        text = pending;
        pending = '';
      }
      first = false;
    }
    yield* consume(text);
  }
  const rest = pending + decoder.end();
  if (!delimiter) {
    const header = rest.split('\n')[0];
    delimiter = (header.match(/;/g)?.length ?? 0) > (header.match(/,/g)?.length ?? 0) ? ';' : ',';
  }
  yield* consume(rest);
  if (quotePending) quoted = false;
  if (field !== '' || row.length) {
    row.push(field.endsWith('\r') ? field.slice(0, -1) : field);
    if (!(row.length === 1 && row[0] === '')) yield row;
  }
}

/** Objects keyed by the header row. */
export async function* csvRecords(chunks: AsyncIterable<Buffer>): AsyncGenerator<Record<string, string>> {
  let header: string[] | undefined;
  for await (const row of csvRows(chunks)) {
    if (!header) {
      header = row.map((h) => h.trim());
      continue;
    }
    const record: Record<string, string> = {};
    header.forEach((h, i) => {
      if (h) record[h] = row[i] ?? '';
    });
    yield record;
  }
}

/** One JSON object per line (how JSON imports are spooled). */
export async function* ndjsonRecords(chunks: AsyncIterable<Buffer>): AsyncGenerator<unknown> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  for await (const chunk of chunks) {
    const lines = (carry + decoder.write(chunk)).split('\n');
    carry = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) yield parseLine(line);
  }
  const last = carry + decoder.end();
  if (last.trim()) yield parseLine(last);
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return null;
  }
}
