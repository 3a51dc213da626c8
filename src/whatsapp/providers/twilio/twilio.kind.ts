import { TwilioAdapter } from './twilio.adapter';
import { TwilioSource } from './twilio.source';

/** What this folder plugs in: the inbound source kind and the outbound provider kind "twilio". */
export const TWILIO_KIND = [TwilioSource, TwilioAdapter];
