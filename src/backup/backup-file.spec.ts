import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  BackupFileError,
  decryptingStream,
  encryptingStream,
  HEADER_LENGTH,
  MAGIC,
  TAG_LENGTH,
} from './backup-file';
import { candidateDirs, pgEnv } from './pg-tools';

const SECRET = 'a-test-secret-of-32-characters!!';

async function collect(source: Readable, ...through: NodeJS.ReadWriteStream[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      chunks.push(chunk);
      done();
    },
  });
  await pipeline([source, ...through, sink]);
  return Buffer.concat(chunks);
}

/** Splits into uneven chunks, as a file read would. */
const chunked = (b: Buffer, size = 7777) =>
  Readable.from(
    Array.from({ length: Math.ceil(b.length / size) }, (_, i) => b.subarray(i * size, (i + 1) * size)),
  );

describe('backup file format', () => {
  const plain = randomBytes(200_000);
  let file: Buffer;
  beforeAll(async () => {
    file = await collect(chunked(plain), await encryptingStream(SECRET));
  });

  it('is magic, version, salt, IV, ciphertext, tag — and round-trips in any chunking', async () => {
    expect(file.subarray(0, 8)).toEqual(MAGIC);
    expect(file[8]).toBe(1);
    expect(file.length).toBe(HEADER_LENGTH + plain.length + TAG_LENGTH);
    expect(file.includes(plain.subarray(0, 64))).toBe(false);
    expect(await collect(chunked(file, 13), decryptingStream(SECRET))).toEqual(plain);
    expect(await collect(chunked(file, 100_000), decryptingStream(SECRET))).toEqual(plain);
  });

  it('an empty input is a valid (empty) file', async () => {
    const empty = await collect(Readable.from([]), await encryptingStream(SECRET));
    expect(empty.length).toBe(HEADER_LENGTH + TAG_LENGTH);
    expect(await collect(Readable.from([empty]), decryptingStream(SECRET))).toEqual(Buffer.alloc(0));
  });

  it('refuses a flipped byte anywhere (header, body, tag), a truncated file and another key', async () => {
    for (const at of [10, HEADER_LENGTH + 5000, file.length - 3]) {
      const bad = Buffer.from(file);
      bad[at] ^= 0x01;
      await expect(collect(chunked(bad), decryptingStream(SECRET))).rejects.toThrow(BackupFileError);
    }
    await expect(
      collect(chunked(file.subarray(0, file.length - 1000)), decryptingStream(SECRET)),
    ).rejects.toThrow(/authentication failed/);
    await expect(collect(chunked(file.subarray(0, 20)), decryptingStream(SECRET))).rejects.toThrow(
      /truncated/,
    );
    await expect(collect(chunked(file), decryptingStream('another-secret-of-some-length'))).rejects.toThrow(
      BackupFileError,
    );
    const notOurs = Buffer.concat([Buffer.from('PGDMP'), file.subarray(5)]);
    await expect(collect(chunked(notOurs), decryptingStream(SECRET))).rejects.toThrow(/bad magic/);
  });
});

describe('pg tools', () => {
  it('PG_BIN_DIR wins; else the newest Debian client folder', () => {
    expect(candidateDirs('/opt/pg/bin')).toEqual(['/opt/pg/bin']);
    expect(candidateDirs(undefined, '/nonexistent')).toEqual([]);
  });

  it('connection settings go through the environment, never the command line', () => {
    const env = pgEnv('postgres://ponte:s%40cret@db.internal:6543/ponte?sslmode=require', 'scratch');
    expect(env).toMatchObject({
      PGHOST: 'db.internal',
      PGPORT: '6543',
      PGUSER: 'ponte',
      PGPASSWORD: 's@cret',
      PGDATABASE: 'scratch',
      PGSSLMODE: 'require',
    });
  });
});
