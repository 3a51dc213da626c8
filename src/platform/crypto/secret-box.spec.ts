import { randomBytes } from 'node:crypto';
import { parseEncryptionKeys, SecretBox, SecretBoxError } from './secret-box';

const key = () => randomBytes(32);
const b64 = (buf: Buffer) => buf.toString('base64');

function expectFailure(fn: () => unknown, reason: SecretBoxError['reason']): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(SecretBoxError);
  expect((caught as SecretBoxError).reason).toBe(reason);
}

/** Flips one bit of the decoded payload at `index` and re-encodes it. */
function tamper(sealed: string, index: number): string {
  const [version, keyId, payload] = sealed.split('.');
  const bytes = Buffer.from(payload, 'base64url');
  bytes[index] ^= 0x01;
  return `${version}.${keyId}.${bytes.toString('base64url')}`;
}

describe('SecretBox', () => {
  const box = new SecretBox([{ id: 'k1', key: key() }]);

  it('round-trips secrets, with and without aad', () => {
    for (const secret of ['EAAGm0PX4ZCpsBA-meta-access-token', '', 'senha com acentuação ✓']) {
      expect(box.open(box.seal(secret))).toBe(secret);
      expect(box.open(box.seal(secret, 'ws_1:channel_9'), 'ws_1:channel_9')).toBe(secret);
    }
  });

  it('uses the v1.<keyId>.<base64url> format with a fresh IV per call', () => {
    const a = box.seal('same secret');
    const b = box.seal('same secret');
    expect(a).toMatch(/^v1\.k1\.[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(Buffer.from(a.split('.')[2], 'base64url').length).toBe(12 + 16 + 'same secret'.length);
    expect(a).not.toContain('same secret');
  });

  it('opens values sealed with an old key after rotation and seals with the first key', () => {
    const oldKey = { id: 'k1', key: key() };
    const newKey = { id: 'k2', key: key() };
    const before = new SecretBox([oldKey]);
    const after = new SecretBox([newKey, oldKey]);

    const sealedBefore = before.seal('token-antigo', 'ws_1:ch_1');
    expect(after.open(sealedBefore, 'ws_1:ch_1')).toBe('token-antigo');
    expect(after.needsRotation(sealedBefore)).toBe(true);

    const resealed = after.seal(after.open(sealedBefore, 'ws_1:ch_1'), 'ws_1:ch_1');
    expect(resealed.startsWith('v1.k2.')).toBe(true);
    expect(after.needsRotation(resealed)).toBe(false);
    expectFailure(() => before.open(resealed, 'ws_1:ch_1'), 'unknown_key');
  });

  it('detects tampering in the IV, the tag and the ciphertext', () => {
    const sealed = box.seal('webhook-secret');
    for (const index of [0, 11, 12, 27, 28, 30]) {
      expectFailure(() => box.open(tamper(sealed, index)), 'unauthenticated');
    }
  });

  it('rejects a payload relabelled with another known key id', () => {
    const two = new SecretBox([
      { id: 'k1', key: key() },
      { id: 'k2', key: key() },
    ]);
    const sealed = two.seal('x-secret');
    expectFailure(() => two.open(sealed.replace('v1.k1.', 'v1.k2.')), 'unauthenticated');
  });

  it('binds the aad: a value copied to another record does not open', () => {
    const sealed = box.seal('token', 'ws_1:ch_1');
    expectFailure(() => box.open(sealed, 'ws_2:ch_1'), 'unauthenticated');
    expectFailure(() => box.open(sealed), 'unauthenticated');
    expectFailure(() => box.open(box.seal('token'), 'ws_1:ch_1'), 'unauthenticated');
  });

  it('rejects malformed and truncated values without echoing them', () => {
    for (const bad of ['', 'plaintext', 'v2.k1.AAAA', 'v1.k1', 'v1..AAAA', 'v1.k1.a.b', 'v1.k1.***']) {
      expectFailure(() => box.open(bad), 'malformed');
    }
    expectFailure(() => box.open(`v1.k1.${Buffer.alloc(27).toString('base64url')}`), 'malformed');
    try {
      box.open('v1.k1.bm90LWEtcmVhbC1zZWFsZWQtc2VjcmV0LXZhbHVl');
    } catch (err) {
      expect((err as Error).message).not.toContain('bm90');
    }
  });

  it('reports unknown key ids', () => {
    expectFailure(() => box.open(box.seal('a').replace('v1.k1.', 'v1.k9.')), 'unknown_key');
  });

  it('needsRotation and isSealed check the shape only', () => {
    expect(box.needsRotation('v1.k0.AAAA')).toBe(true);
    expect(() => box.needsRotation('not sealed')).toThrow(SecretBoxError);
    expect(SecretBox.isSealed(box.seal('x'))).toBe(true);
    expect(SecretBox.isSealed('EAAGm0PX4ZCpsBA')).toBe(false);
  });

  it('refuses an empty, short or duplicated key ring', () => {
    expect(() => new SecretBox([])).toThrow(/at least one/);
    expect(() => new SecretBox([{ id: 'k1', key: randomBytes(16) }])).toThrow(/32 bytes/);
    expect(() => new SecretBox([{ id: 'a.b', key: key() }])).toThrow(/invalid/);
    const k = key();
    expect(
      () =>
        new SecretBox([
          { id: 'k1', key: k },
          { id: 'k1', key: k },
        ]),
    ).toThrow(/duplicated/);
  });

  it('masks secrets for display', () => {
    expect(SecretBox.mask('abcd1234')).toBe('••••1234');
    expect(SecretBox.mask('EAAGm0PX4ZCpsBA')).toBe('••••psBA');
    expect(SecretBox.mask('abc1234')).toBe('••••');
    expect(SecretBox.mask('')).toBe('••••');
  });
});

describe('parseEncryptionKeys', () => {
  const k1 = key();
  const k2 = key();

  it('returns [] when nothing is configured', () => {
    expect(parseEncryptionKeys(undefined, undefined)).toEqual([]);
    expect(parseEncryptionKeys('', '  ')).toEqual([]);
  });

  it('accepts ENCRYPTION_KEY alone as k1', () => {
    expect(parseEncryptionKeys(undefined, b64(k1))).toEqual([{ id: 'k1', key: k1 }]);
  });

  it('keeps ENCRYPTION_KEYS order: the first seals', () => {
    const keys = parseEncryptionKeys(` 2025b:${b64(k2)} , 2024a:${k1.toString('base64url')}`, undefined);
    expect(keys).toEqual([
      { id: '2025b', key: k2 },
      { id: '2024a', key: k1 },
    ]);
    const box = new SecretBox(keys);
    expect(box.seal('x').startsWith('v1.2025b.')).toBe(true);
  });

  it('keeps a leftover ENCRYPTION_KEY as decrypt-only k1 when moving to ENCRYPTION_KEYS', () => {
    expect(parseEncryptionKeys(`k2:${b64(k2)}`, b64(k1))).toEqual([
      { id: 'k2', key: k2 },
      { id: 'k1', key: k1 },
    ]);
    expect(parseEncryptionKeys(`k2:${b64(k2)},k1:${b64(k1)}`, b64(k1))).toHaveLength(2);
    expect(parseEncryptionKeys(`main:${b64(k1)}`, b64(k1))).toEqual([{ id: 'main', key: k1 }]);
    expect(() => parseEncryptionKeys(`k1:${b64(k2)}`, b64(k1))).toThrow(/ENCRYPTION_KEY conflicts/);
  });

  it.each([
    [`${b64(k1)}`, /ENCRYPTION_KEYS entry #1 is malformed/],
    [`:${b64(k1)}`, /ENCRYPTION_KEYS entry #1 is malformed/],
    [`k1:${b64(k1)},`, /ENCRYPTION_KEYS entry #2 is malformed/],
    [`k.1:${b64(k1)}`, /entry #1 has an invalid key id/],
    [`k1:not base64!`, /entry #1 \(id "k1"\) is not valid base64/],
    [`k1:${b64(randomBytes(16))}`, /entry #1 \(id "k1"\) must decode to 32 bytes, got 16/],
    [`k1:${b64(k1)},k1:${b64(k2)}`, /lists key id "k1" twice/],
  ])('rejects ENCRYPTION_KEYS=%s', (value, message) => {
    expect(() => parseEncryptionKeys(value, undefined)).toThrow(message);
  });

  it('names ENCRYPTION_KEY and never echoes key material', () => {
    const short = b64(randomBytes(31));
    expect(() => parseEncryptionKeys(undefined, short)).toThrow(/^ENCRYPTION_KEY must decode to 32 bytes/);
    try {
      parseEncryptionKeys(`k1:${short}`, undefined);
    } catch (err) {
      expect((err as Error).message).not.toContain(short);
    }
  });
});
