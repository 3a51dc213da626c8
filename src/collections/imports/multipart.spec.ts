import { boundaryOf, multipartFile, MultipartError } from './multipart';

async function* chunks(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}
async function read(it: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const b of it) parts.push(b);
  return Buffer.concat(parts).toString('utf8');
}

describe('multipart file part, streamed', () => {
  const b = '----ponteBoundary123';
  const body = Buffer.from(
    `--${b}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n` +
      `--${b}\r\nContent-Disposition: form-data; name="file"; filename="debts.csv"\r\nContent-Type: text/csv\r\n\r\n` +
      `externalId,nome\r\nA1,João\r\n--not-the-boundary\r\n` +
      `\r\n--${b}--\r\n`,
  );

  it('boundary from the content type', () => {
    expect(boundaryOf(`multipart/form-data; boundary=${b}`)).toBe(b);
    expect(boundaryOf('multipart/form-data; boundary="a b"')).toBe('a b');
  });

  it.each([1, 5, 13, 4096])('the file bytes exactly, whatever the chunking (%i)', async (size) => {
    const seen: unknown[] = [];
    const text = await read(multipartFile(chunks(body, size), b, (p) => seen.push(p)));
    expect(text).toBe('externalId,nome\r\nA1,João\r\n--not-the-boundary\r\n');
    expect(seen).toEqual([{ filename: 'debts.csv', contentType: 'text/csv' }]);
  });

  it('a body cut short is an error', async () => {
    await expect(read(multipartFile(chunks(body.subarray(0, 150), 10), b))).rejects.toThrow(MultipartError);
  });
});
