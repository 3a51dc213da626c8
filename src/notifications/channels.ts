/** The channels a notification can go out on, in the words of the API. */
export const CHANNELS = ['whatsapp', 'sms', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

/** A WhatsApp template as the official APIs want it: Meta by name and language, Twilio by Content SID. */
export interface WhatsAppTemplateRef {
  name: string;
  /** BCP 47 as stored (`pt-BR`); adapters convert (`pt_BR` for Meta). */
  language: string;
  /** Rendered values of the template's parameters, in order ({{1}}, {{2}}...). */
  parameters: string[];
  /** Twilio Content API template (`HX…`); without it Twilio gets the rendered body. */
  contentSid?: string;
}

/** What a template or inline content renders to for one channel. */
export interface RenderedContent {
  subject: string | null;
  /** Plain text: the WhatsApp/SMS body, the e-mail's text part. */
  text: string;
  /** E-mail only: the HTML part, with every variable HTML-escaped. */
  html: string | null;
  whatsapp: WhatsAppTemplateRef | null;
}
