/**
 * Pix "copia e cola" (BR Code, business-br.md §1): EMV TLV (`ID` 2 digits + `LEN` 2 digits +
 * value), templates 26 and 62 nested the same way, ASCII only, and a CRC-16/CCITT-FALSE over the
 * whole payload including the literal `6304`, as 4 upper-case hex digits. Without a PSP we emit
 * static codes: the key in 26-01, an optional amount (54) and a txid (62-05, `***` when none).
 */

/** CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, xorout 0. `123456789` → 0x29B1. */
export function crc16(text: string): number {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

const hex4 = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');

/** Strips diacritics and anything outside printable ASCII ("São Paulo" → "Sao Paulo"). */
export function asciiOnly(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]/g, '')
    .trim();
}

function tlv(id: string, value: string): string {
  if (value.length > 99) throw new PixError(`field ${id} is longer than 99 characters`);
  return `${id}${String(value.length).padStart(2, '0')}${value}`;
}

export class PixError extends Error {}

export interface StaticPix {
  /** The receiver's Pix key: CPF/CNPJ digits, +55 phone, e-mail or EVP (at most 77 characters). */
  key: string;
  /** Merchant name, 1–25 characters (cut, ASCII). */
  name: string;
  /** Merchant city, 1–15 characters (cut, ASCII). */
  city: string;
  /** Amount in cents; omitted: the payer types it. */
  amountCents?: number;
  /** Reference label, 1–25 `[A-Za-z0-9]`; omitted: `***`. */
  txid?: string;
  /** Free text shown to the payer (26-02). */
  description?: string;
}

/** A static BR Code. Throws PixError on a field no reader would accept. */
export function buildStaticPix(p: StaticPix): string {
  if (!p.key || p.key.length > 77) throw new PixError('the Pix key must have 1 to 77 characters');
  const name = asciiOnly(p.name).slice(0, 25);
  const city = asciiOnly(p.city).slice(0, 15);
  if (!name || !city) throw new PixError('merchant name and city are required');
  const txid = p.txid ?? '***';
  if (txid !== '***' && !/^[A-Za-z0-9]{1,25}$/.test(txid))
    throw new PixError('txid must be 1 to 25 letters or digits');
  if (p.amountCents !== undefined && (!Number.isInteger(p.amountCents) || p.amountCents <= 0))
    throw new PixError('amount must be a positive number of cents');
  const description = p.description ? asciiOnly(p.description) : '';
  const account =
    tlv('00', 'br.gov.bcb.pix') + tlv('01', p.key) + (description ? tlv('02', description) : '');
  const amount =
    p.amountCents === undefined
      ? ''
      : tlv('54', `${Math.floor(p.amountCents / 100)}.${String(p.amountCents % 100).padStart(2, '0')}`);
  const body =
    tlv('00', '01') +
    tlv('26', account) +
    tlv('52', '0000') +
    tlv('53', '986') +
    amount +
    tlv('58', 'BR') +
    tlv('59', name) +
    tlv('60', city) +
    tlv('62', tlv('05', txid)) +
    '6304';
  return body + hex4(crc16(body));
}

export interface ParsedPix {
  /** Top-level fields by id; templates 26, 62 and 80 also parsed into `templates`. */
  fields: Record<string, string>;
  templates: Record<string, Record<string, string>>;
  key?: string;
  url?: string;
  amountCents?: number;
  txid?: string;
  name?: string;
  city?: string;
}

function parseTlv(text: string, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const head = text.slice(i, i + 4);
    if (!/^\d{4}$/.test(head)) throw new PixError(`malformed TLV header at ${where}${i}`);
    const len = Number(head.slice(2));
    const value = text.slice(i + 4, i + 4 + len);
    if (value.length !== len) throw new PixError(`field ${head.slice(0, 2)} at ${where}${i} is truncated`);
    out[head.slice(0, 2)] = value;
    i += 4 + len;
  }
  return out;
}

/**
 * Reads a BR Code strictly (the generator side of the robustness principle): every length must
 * match, `00` first, `63` last with the right CRC. Throws PixError saying what is wrong.
 */
export function parsePix(payload: string): ParsedPix {
  if (!payload.startsWith('000201')) throw new PixError('a BR Code starts with 000201');
  const crcAt = payload.length - 8;
  if (crcAt < 0 || payload.slice(crcAt, crcAt + 4) !== '6304')
    throw new PixError('the CRC field 6304 must be last');
  const expected = hex4(crc16(payload.slice(0, crcAt + 4)));
  if (payload.slice(crcAt + 4) !== expected) throw new PixError(`CRC mismatch: expected ${expected}`);
  const fields = parseTlv(payload.slice(0, crcAt), '');
  const templates: Record<string, Record<string, string>> = {};
  for (const id of ['26', '62', '80'])
    if (fields[id] !== undefined) templates[id] = parseTlv(fields[id], `${id}/`);
  const amount = fields['54'];
  if (amount !== undefined && !/^\d{1,10}\.\d{2}$/.test(amount))
    throw new PixError('amount must look like 10.00');
  return {
    fields,
    templates,
    key: templates['26']?.['01'],
    url: templates['26']?.['25'],
    amountCents: amount === undefined ? undefined : Math.round(Number(amount) * 100),
    txid: templates['62']?.['05'],
    name: fields['59'],
    city: fields['60'],
  };
}

/** Whether a BR Code is well formed with a right CRC. */
export function isValidPix(payload: string): boolean {
  try {
    parsePix(payload);
    return true;
  } catch {
    return false;
  }
}
