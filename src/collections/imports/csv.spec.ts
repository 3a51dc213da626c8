import { csvRecords, csvRows, ndjsonRecords } from './csv';

async function* chunks(text: string, size: number): AsyncGenerator<Buffer> {
  const buf = Buffer.from(text, 'utf8');
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}
const collect = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

describe('streamed CSV', () => {
  const text =
    '\ufeffid,nome,obs\r\n1,"Silva, João","disse ""oi""\nduas linhas"\r\n2,Maria,\n\n3,Zé ção,última';
  it.each([1, 2, 3, 7, 1000])(
    'same rows whatever the chunk size (%i bytes), multibyte split included',
    async (size) => {
      expect(await collect(csvRows(chunks(text, size)))).toEqual([
        ['id', 'nome', 'obs'],
        ['1', 'Silva, João', 'disse "oi"\nduas linhas'],
        ['2', 'Maria', ''],
        ['3', 'Zé ção', 'última'],
      ]);
    },
  );

  it.each([1, 2, 5, 1000])(
    'quotes: escapes, text after a closing quote, a quote inside an unquoted field, CR kept inside quotes (%i-byte chunks)',
    async (size) => {
      const csv = 'a,b,c\r\n"x""y","ab"c,d"e\r\n"",""z,"p\rq"\n"""",\'\',last\r\n';
      expect(await collect(csvRows(chunks(csv, size)))).toEqual([
        ['a', 'b', 'c'],
        ['x"y', 'abc', 'd"e'],
        ['', 'z', 'p\rq'],
        ['"', "''", 'last'],
      ]);
    },
  );

  it('semicolon-separated (spreadsheet export) records by header', async () => {
    const records = await collect(csvRecords(chunks('externalId;valor\nA1;1.234,56\n', 4)));
    expect(records).toEqual([{ externalId: 'A1', valor: '1.234,56' }]);
  });

  it('ndjson lines; a bad line is null (rejected later by row number)', async () => {
    expect(await collect(ndjsonRecords(chunks('{"a":1}\n{bad\n{"b":"ç"}', 3)))).toEqual([
      { a: 1 },
      null,
      { b: 'ç' },
    ]);
  });
});
