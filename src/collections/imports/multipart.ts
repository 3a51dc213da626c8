/**
 * The file of a `multipart/form-data` upload, streamed: the first part that carries a `filename`
 * (or is named `file`), without buffering the body. Other parts are skipped. Throws
 * MultipartError when the body is not what its boundary says.
 */
export class MultipartError extends Error {}

export function boundaryOf(contentType: string): string | undefined {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

export interface FilePart {
  filename: string | null;
  contentType: string | null;
}

export async function* multipartFile(
  chunks: AsyncIterable<Buffer>,
  boundary: string,
  onPart?: (part: FilePart) => void,
): AsyncGenerator<Buffer> {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  // The body starts with `--boundary` (no CRLF before it): pretend there was one.
  let buf: Buffer = Buffer.from('\r\n');
  let state: 'preamble' | 'headers' | 'file' | 'skip' | 'done' = 'preamble';
  for await (const chunk of chunks) {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    for (;;) {
      if (state === 'done') break;
      if (state === 'preamble' || state === 'skip') {
        const at = buf.indexOf(delimiter);
        if (at < 0) {
          buf = buf.subarray(Math.max(0, buf.length - delimiter.length));
          break;
        }
        buf = buf.subarray(at + delimiter.length);
        state = 'headers';
        continue;
      }
      if (state === 'headers') {
        if (buf.length < 2) break;
        if (buf.subarray(0, 2).toString() === '--') {
          state = 'done';
          break;
        }
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) {
          if (buf.length > 16_384) throw new MultipartError('part headers too long');
          break;
        }
        const headers = buf.subarray(2, end).toString('utf8');
        buf = buf.subarray(end + 4);
        const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
        const filename = /filename="([^"]*)"/i.exec(disposition)?.[1] ?? null;
        const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
        if (filename !== null || name === 'file') {
          onPart?.({ filename, contentType: /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1] ?? null });
          state = 'file';
        } else state = 'skip';
        continue;
      }
      // file: emit everything that cannot be the start of the delimiter
      const at = buf.indexOf(delimiter);
      if (at >= 0) {
        if (at > 0) yield buf.subarray(0, at);
        buf = buf.subarray(at + delimiter.length);
        state = 'done';
        break;
      }
      const safe = buf.length - delimiter.length;
      if (safe > 0) {
        yield buf.subarray(0, safe);
        buf = buf.subarray(safe);
      }
      break;
    }
    if (state === 'done') {
      // drain the rest without keeping it
      buf = Buffer.alloc(0);
    }
  }
  if (state !== 'done') throw new MultipartError('the multipart body ended before its file did');
}
