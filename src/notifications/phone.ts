import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * A phone number in E.164, with Brazilian mobiles in their 9-digit form: WhatsApp still reports
 * some older accounts without the 9th digit (`553192953088`), and both must reach one person.
 * Digits without `+` starting with 55 and 12–13 digits long are read as Brazilian with the country
 * code; other national numbers use `defaultRegion`. Undefined when it is not a phone number.
 */
export function toE164(input: string, defaultRegion: 'BR' = 'BR'): string | undefined {
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
