/** The `data` of message and status events, shared by every WhatsApp provider (and Twilio SMS). */

export type MessageProvider = 'meta' | 'twilio' | 'zapi' | 'waha';

export type MessageKind =
  | 'text'
  | 'image'
  | 'audio'
  | 'video'
  | 'document'
  | 'sticker'
  | 'location'
  | 'contacts'
  | 'interactive'
  | 'button'
  | 'reaction'
  | 'unknown';

export const MESSAGE_KINDS: ReadonlySet<string> = new Set<MessageKind>([
  'text',
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'button',
  'reaction',
  'unknown',
]);

export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'failed';

export type MediaRef = { id?: string; url?: string; mimeType?: string; caption?: string; filename?: string };

export type GeoLocation = {
  latitude: number;
  longitude: number;
  name?: string;
  address?: string;
  url?: string;
};

/** What the user picked: a reply button, a list row or a template quick reply (id = payload). */
export type Choice = { id?: string; title?: string; description?: string };

/** The part of a message that depends on its kind. */
export type MessageContent = {
  kind: MessageKind;
  /** Text body, media caption, or the title of the picked button / list row. */
  text: string | null;
  media: MediaRef | null;
  /** Further attachments when one message carries several (Twilio MediaUrl1..9). */
  additionalMedia?: MediaRef[];
  location?: GeoLocation;
  choice?: Choice;
  reaction?: { messageId?: string; emoji?: string };
  /** Shared contact cards as the provider sent them. */
  contacts?: unknown[];
  /** The provider's own object when the kind is not fully captured, so nothing is lost. */
  raw?: unknown;
};

export type WhatsAppMessageData = MessageContent & {
  provider: MessageProvider;
  /** Sender as a wa_id: digits as the provider gave them, wrappers removed ('+', 'whatsapp:', '@c.us'). */
  from: string | null;
  /** Sender exactly as the provider wrote it. */
  rawFrom: string | null;
  /** Recipient: the business number (or, for echoes of our own sends, the contact). */
  to: string | null;
  messageId: string;
  /** The customer's profile name. */
  contactName: string | null;
  /** Id of the message this one replies to. */
  replyTo?: string;
  /** ISO 8601. */
  timestamp: string;
  /** Group chats: the group id; `from` is then the member who wrote. */
  isGroup?: boolean;
  chatId?: string;
  /** Routing hints: Meta phone_number_id, Z-API instanceId, WAHA session. */
  phoneNumberId?: string;
  instanceId?: string;
  session?: string;
  /** Click-to-WhatsApp ad that started the conversation (Meta). */
  referral?: Record<string, unknown>;
};

export type MessageStatusData = {
  provider: MessageProvider;
  /** The provider's id of the message we sent (wamid, MessageSid, Z-API messageId, WAHA id). */
  messageId: string;
  status: DeliveryStatus;
  /** The provider's own word for it (queued, RECEIVED, PLAYED, ack 2 'DEVICE'...), kept for diagnosis. */
  providerStatus: string;
  recipient: string | null;
  errorCode?: string;
  errorMessage?: string;
  errorDetails?: string;
  /** ISO 8601. */
  timestamp: string;
  phoneNumberId?: string;
  instanceId?: string;
  session?: string;
  conversationId?: string;
  pricingCategory?: string;
  /** Meta biz_opaque_callback_data echoed from the send call. */
  callbackData?: string;
};
