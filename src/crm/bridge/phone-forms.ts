/**
 * Both ways a Brazilian mobile is written: with the 9th digit (`+55 31 9XXXX-XXXX`, today's form)
 * and without it (`+55 31 XXXX-XXXX`, how WhatsApp still knows accounts made before 2012-2016 and
 * how many CRMs stored them). Mobile subscriber numbers begin 6–9 once the 9 is dropped. E.164,
 * the form given (as WhatsApp gave it) first; other countries have one form.
 */
export function phoneForms(waIdOrPhone: string): string[] {
  const digits = waIdOrPhone.replace(/\D/g, '');
  if (!digits) return [];
  const forms = [digits];
  if (digits.startsWith('55')) {
    const ddd = digits.slice(2, 4);
    const subscriber = digits.slice(4);
    if (subscriber.length === 9 && subscriber.startsWith('9') && /^[6-9]/.test(subscriber.slice(1)))
      forms.push(`55${ddd}${subscriber.slice(1)}`);
    else if (subscriber.length === 8 && /^[6-9]/.test(subscriber)) forms.push(`55${ddd}9${subscriber}`);
  }
  return forms.map((d) => `+${d}`);
}

/**
 * An agent's Bitrix24 text for WhatsApp: BB-code to WhatsApp's marks (`[b]x[/b]` → `*x*`, `[i]` →
 * `_`, `[s]` → `~`, `[br]` → a new line, `[url=…]t[/url]` → `t (…)`); other tags are dropped.
 */
export function bbCodeToWhatsApp(text: string): string {
  return text
    .replace(/\[br\]/gi, '\n')
    .replace(/\[b\]([\s\S]*?)\[\/b\]/gi, '*$1*')
    .replace(/\[i\]([\s\S]*?)\[\/i\]/gi, '_$1_')
    .replace(/\[s\]([\s\S]*?)\[\/s\]/gi, '~$1~')
    .replace(/\[url=([^\]]+)\]([\s\S]*?)\[\/url\]/gi, (_m, url: string, label: string) =>
      label && label !== url ? `${label} (${url})` : url,
    )
    .replace(/\[\/?[a-z]+(=[^\]]*)?\]/gi, '')
    .replace(/[ \t]+\n/g, '\n')
    .trim();
}
