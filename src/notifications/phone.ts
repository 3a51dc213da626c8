import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { LruCache } from '../platform/cache/lru';

const NOT_A_PHONE = Symbol('not a phone');
/**
 * Texts already read, with their answer. A message's number is read at each stage it passes (the
 * lead's mapping, the contact, the notification, the send), and a reading with libphonenumber's
 * full metadata costs tens of microseconds; the answer depends on the text alone (the region is
 * always BR), so a bounded memo reads each number once. Only texts of a phone number's length are
 * kept (a few megabytes at most): a huge text from a payload is read, refused and forgotten.
 */
const answers = new LruCache<string, string | typeof NOT_A_PHONE>(10_000);
const MEMO_MAX_LENGTH = 40;

/**
 * A phone number in E.164, with Brazilian mobiles in their 9-digit form: WhatsApp still reports
 * some older accounts without the 9th digit (`553192953088`), and both must reach one person.
 * Digits without `+` starting with 55 and 12–13 digits long are read as Brazilian with the country
 * code; other national numbers use `defaultRegion`. Undefined when it is not a phone number.
 */
export function toE164(input: string, defaultRegion: 'BR' = 'BR'): string | undefined {
  if (input.length > MEMO_MAX_LENGTH) return read(input, defaultRegion);
  const known = answers.get(input);
  if (known !== undefined) return known === NOT_A_PHONE ? undefined : known;
  const answer = read(input, defaultRegion);
  answers.set(input, answer ?? NOT_A_PHONE);
  return answer;
}

function read(input: string, defaultRegion: 'BR'): string | undefined {
  const trimmed = input.trim().replace(/^whatsapp:/, '');
  const digits = trimmed.replace(/\D/g, '');
  if (digits.length < 8 || digits.length > 15) return undefined;
  const international = trimmed.startsWith('+') || (/^55\d{10,11}$/.test(digits) && !trimmed.startsWith('0'));
  const candidate = international ? `+${digits}` : trimmed;
  const parsed = parsePhoneNumberFromString(candidate, defaultRegion);
  if (!parsed) return undefined;
  if (parsed.country === 'BR' || parsed.countryCallingCode === '55') {
    const national = String(parsed.nationalNumber);
    // DDD + 8 digits starting 6–9: an old-style mobile; today it has a 9 in front.
    if (/^[1-9]{2}[6-9]\d{7}$/.test(national)) return `+55${national.slice(0, 2)}9${national.slice(2)}`;
  }
  return parsed.isValid() ? parsed.number : undefined;
}
