import {
  createCipheriv,
  createDecipheriv,
  createHash,
  DecipherGCM,
  Hash,
  randomBytes,
  scrypt,
} from 'node:crypto';
import { Transform } from 'node:stream';

/**
 * The backup file format (version 1), written and read as streams so that a dump of any size never
 * sits in memory:
 *
 *   "PONTEBAK" (8 bytes) | version (1 byte) | scrypt salt (16) | GCM IV (12) | ciphertext | GCM tag (16)
 *
 * The key is scrypt(BACKUP_ENCRYPTION_KEY, salt) — N=2^15, r=8, p=1 — so a passphrase is as good as
 * a random key, and each file has its own key. The header is the GCM additional data: changing
 * a byte of it fails the tag like changing a byte of the ciphertext.
 */
export const MAGIC = Buffer.from('PONTEBAK', 'ascii');
export const FORMAT_VERSION = 1;
const SALT_LENGTH = 16;
const IV_LENGTH = 12;
export const HEADER_LENGTH = MAGIC.length + 1 + SALT_LENGTH + IV_LENGTH;
export const TAG_LENGTH = 16;

/** The file is not one this format can read, or fails authentication (altered, truncated, wrong key). */
export class BackupFileError extends Error {}

export function deriveKey(secret: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** Plain bytes in, the whole file out (header first, tag last). */
export async function encryptingStream(secret: string): Promise<Transform> {
  const salt = randomBytes(SALT_LENGTH);
  const iv = randomBytes(IV_LENGTH);
  const key = await deriveKey(secret, salt);
  const header = Buffer.concat([MAGIC, Buffer.from([FORMAT_VERSION]), salt, iv]);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(header);
  let started = false;
  const start = (stream: Transform) => {
    if (!started) stream.push(header);
    started = true;
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      start(this);
      done(null, cipher.update(chunk));
    },
    flush(done) {
      start(this);
      this.push(cipher.final());
      done(null, cipher.getAuthTag());
    },
  });
}

/**
 * The file in, plain bytes out. The last 16 bytes are held back as the tag and checked at the
 * end: until then the output is unauthenticated, so whoever consumes it must treat an error at
 * the end as voiding everything before (a restore verifies the whole file first).
 */
export function decryptingStream(secret: string): Transform {
  let held: Buffer = Buffer.alloc(0);
  let decipher: DecipherGCM | undefined;
  const open = async (header: Buffer) => {
    if (!header.subarray(0, MAGIC.length).equals(MAGIC))
      throw new BackupFileError('not a Ponte backup file (bad magic)');
    const version = header[MAGIC.length];
    if (version !== FORMAT_VERSION) throw new BackupFileError(`unsupported backup format version ${version}`);
    const salt = header.subarray(MAGIC.length + 1, MAGIC.length + 1 + SALT_LENGTH);
    const iv = header.subarray(MAGIC.length + 1 + SALT_LENGTH, HEADER_LENGTH);
    const d = createDecipheriv('aes-256-gcm', await deriveKey(secret, salt), iv);
    d.setAAD(header);
    return d;
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      held = held.length ? Buffer.concat([held, chunk]) : chunk;
      const run = async () => {
        if (!decipher) {
          if (held.length < HEADER_LENGTH) return;
          decipher = await open(Buffer.from(held.subarray(0, HEADER_LENGTH)));
          held = held.subarray(HEADER_LENGTH);
        }
        if (held.length > TAG_LENGTH) {
          this.push(decipher.update(held.subarray(0, held.length - TAG_LENGTH)));
          held = Buffer.from(held.subarray(held.length - TAG_LENGTH));
        }
      };
      run().then(() => done(), done);
    },
    flush(done) {
      if (!decipher || held.length < TAG_LENGTH) {
        return done(new BackupFileError('the file is truncated (no complete header and tag)'));
      }
      try {
        decipher.setAuthTag(held);
        done(null, decipher.final());
      } catch {
        done(
          new BackupFileError('authentication failed: the file was altered or truncated, or the key differs'),
        );
      }
    },
  });
}

/** A pass-through that hashes and counts what flows through it. */
export class HashTap extends Transform {
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;

  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (err?: Error | null, data?: Buffer) => void,
  ) {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }

  hex(): string {
    return this.hash.digest('hex');
  }
}
