/** What every inbound webhook becomes once normalised: provider-neutral, one per message or status. */
export interface CanonicalEvent {
  /** e.g. 'whatsapp.message.received', 'whatsapp.message.status', 'sms.message.received', 'sms.message.status',
   *  'crm.message.outbound', 'bitrix24.app.installed', the Standard payload's own type, or '<provider>.unknown' */
  type: string;
  /** When it happened at the provider (falls back to receivedAt when the payload has none). */
  occurredAt: Date;
  /** Deduplication key, unique per source: the same provider message/status always yields the same key.
   *  meta message: 'msg:<wamid>'; status: 'status:<wamid>:<status>'; twilio: 'msg:<MessageSid>' or
   *  'status:<MessageSid>:<MessageStatus>'; zapi: 'msg:<messageId>' / 'status:<id>:<status>';
   *  waha: 'msg:<id>' / 'status:<id>:<ack>'; standard: 'wh:<webhook-id>';
   *  bitrix24: 'b24:<EVENT>:<member>:...' from the event and message ids; unknown payloads: 'raw:<sha256 of raw body>'.
   *  Keys longer than 200 characters are shortened to '<prefix>:sha256:<hex>' (still stable). */
  dedupeKey: string;
  data: Record<string, unknown>;
}

export type NormaliseInput = {
  /** The source's kind: names the '<kind>.unknown' event. */
  kind: string;
  /** Parsed body: JSON value, or a flat form record for twilio, or undefined. */
  body: unknown;
  /** Exact bytes (bitrix24 is parsed from these with qs, PHP bracket syntax). */
  rawBody: Buffer;
  /** Lower-case header names (standard needs webhook-id). */
  headers: Record<string, string | string[] | undefined>;
  receivedAt: Date;
  /** What the kind's `prepare` answered (json: the computed type and id), if it has one. */
  prepared?: unknown;
};

/** The canonical types the normalisers produce besides Standard types and '<provider>.unknown'. */
export const EVENT_TYPES = {
  whatsappReceived: 'whatsapp.message.received',
  /** Our own outbound message reported back by a WhatsApp Web provider (Z-API fromMe, WAHA message.any). */
  whatsappEcho: 'whatsapp.message.echo',
  whatsappStatus: 'whatsapp.message.status',
  smsReceived: 'sms.message.received',
  smsStatus: 'sms.message.status',
  crmOutbound: 'crm.message.outbound',
  bitrix24Installed: 'bitrix24.app.installed',
  /** A WhatsApp Web session's status as its provider reported it (WAHA session.status, Z-API (Dis)ConnectedCallback). */
  whatsappSession: 'whatsapp.session.status',
} as const;
