import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

export type SecretBoxFailure = 'malformed' | 'unknown_key' | 'unauthenticated';

/** Never carries the sealed value, the plaintext or key material: it is safe to log. */
export class SecretBoxError extends Error {
  constructor(
    readonly reason: SecretBoxFailure,
    message: string,
  ) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
// No '.', since it separates the parts of a sealed value.
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const SINGLE_KEY_ID = 'k1';

/**
 * Reads `ENCRYPTION_KEYS=id:base64,id2:base64` (first one seals, all open) or `ENCRYPTION_KEY=base64`
 * (key id `k1`). When both are set, `ENCRYPTION_KEY` stays available for opening as `k1`, so moving from
 * the single key to a key list needs no re-encryption first. Returns [] when neither is set.
 * Error messages name the variable and entry, never the key material.
 */
export function parseEncryptionKeys(keys: string | undefined, single: string | undefined): EncryptionKey[] {
  const list = keys?.trim() ?? '';
  const one = single?.trim() ?? '';
  const parsed: EncryptionKey[] = [];

  if (list !== '') {
    list.split(',').forEach((rawEntry, index) => {
      const entry = rawEntry.trim();
      const where = `ENCRYPTION_KEYS entry #${index + 1}`;
      const colon = entry.indexOf(':');
      if (colon <= 0) throw new Error(`${where} is malformed: expected "id:base64key"`);
      const id = entry.slice(0, colon).trim();
      if (!KEY_ID.test(id)) {
        throw new Error(`${where} has an invalid key id: use 1-32 characters from A-Z a-z 0-9 _ -`);
      }
      if (parsed.some((k) => k.id === id)) throw new Error(`ENCRYPTION_KEYS lists key id "${id}" twice`);
      parsed.push({ id, key: decodeKey(entry.slice(colon + 1).trim(), `${where} (id "${id}")`) });
    });
  }

  if (one !== '') {
    const key = decodeKey(one, 'ENCRYPTION_KEY');
    const sameId = parsed.find((k) => k.id === SINGLE_KEY_ID);
    if (sameId && !sameId.key.equals(key)) {
      throw new Error(
        `ENCRYPTION_KEY conflicts with key id "${SINGLE_KEY_ID}" in ENCRYPTION_KEYS: remove ENCRYPTION_KEY ` +
          `or list it as "${SINGLE_KEY_ID}"`,
      );
    }
    if (!parsed.some((k) => k.key.equals(key))) parsed.push({ id: SINGLE_KEY_ID, key });
  }

  return parsed;
}

function decodeKey(value: string, where: string): Buffer {
  if (!BASE64.test(value)) throw new Error(`${where} is not valid base64`);
  const key = Buffer.from(value, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new Error(
      `${where} must decode to ${KEY_BYTES} bytes, got ${key.length} (try: openssl rand -base64 32)`,
    );
  }
  return key;
}

/**
 * Seals secrets at rest (channel access tokens, webhook secrets) with AES-256-GCM.
 * Sealed format: `v1.<keyId>.<base64url(iv12 | tag16 | ciphertext)>`.
 * Pass an `aad` such as `${workspaceId}:${recordId}` to bind the ciphertext to its row, so a sealed value
 * copied into another workspace's record fails to open.
 */
export class SecretBox {
  private readonly keys = new Map<string, KeyObject>();
  private readonly sealingKeyId: string;
  private readonly sealingKey: KeyObject;

  constructor(keys: EncryptionKey[]) {
    if (keys.length === 0) throw new Error('SecretBox needs at least one encryption key');
    for (const { id, key } of keys) {
      if (!KEY_ID.test(id)) throw new Error(`SecretBox key id "${id}" is invalid`);
      if (key.length !== KEY_BYTES) throw new Error(`SecretBox key "${id}" must be ${KEY_BYTES} bytes`);
      if (this.keys.has(id)) throw new Error(`SecretBox key id "${id}" is duplicated`);
      // KeyObject keeps the raw bytes out of util.inspect and accidental logging.
      this.keys.set(id, createSecretKey(Buffer.from(key)));
    }
    this.sealingKeyId = keys[0].id;
    this.sealingKey = this.keys.get(this.sealingKeyId) as KeyObject;
  }

  seal(plaintext: string, aad?: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.sealingKey, iv, { authTagLength: TAG_BYTES });
    if (aad !== undefined) cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const payload = Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url');
    return `${VERSION}.${this.sealingKeyId}.${payload}`;
  }

  open(sealed: string, aad?: string): string {
    const { keyId, payload } = parseSealed(sealed);
    const key = this.keys.get(keyId);
    if (!key) throw new SecretBoxError('unknown_key', `sealed secret uses unknown key id "${keyId}"`);
    if (!BASE64URL.test(payload))
      throw new SecretBoxError('malformed', 'sealed secret payload is not base64url');
    const bytes = Buffer.from(payload, 'base64url');
    if (bytes.length < IV_BYTES + TAG_BYTES)
      throw new SecretBoxError('malformed', 'sealed secret is truncated');

    try {
      const decipher = createDecipheriv(ALGORITHM, key, bytes.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      if (aad !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'));
      const plaintext = Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]);
      return plaintext.toString('utf8');
    } catch {
      throw new SecretBoxError(
        'unauthenticated',
        'sealed secret failed authentication (tampered or wrong aad)',
      );
    }
  }

  /** True when the value was sealed with a key other than the current sealing key: re-seal it. */
  needsRotation(sealed: string): boolean {
    return parseSealed(sealed).keyId !== this.sealingKeyId;
  }

  /** Cheap shape check, e.g. to migrate rows still holding plaintext. Does not authenticate. */
  static isSealed(value: string): boolean {
    try {
      parseSealed(value);
      return true;
    } catch {
      return false;
    }
  }

  /** For showing a stored secret in the UI or logs: `'••••1234'`. */
  static mask(secret: string): string {
    return secret.length < 8 ? '••••' : `••••${secret.slice(-4)}`;
  }
}

function parseSealed(sealed: string): { keyId: string; payload: string } {
  const parts = typeof sealed === 'string' ? sealed.split('.') : [];
  if (parts.length !== 3 || parts[0] !== VERSION || !KEY_ID.test(parts[1])) {
    throw new SecretBoxError('malformed', `sealed secret is not in the ${VERSION}.<keyId>.<payload> format`);
  }
  return { keyId: parts[1], payload: parts[2] };
}
