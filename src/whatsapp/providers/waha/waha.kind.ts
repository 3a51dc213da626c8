import { WahaAdapter } from './waha.adapter';
import { WahaSource } from './waha.source';

/** What this folder plugs in: the inbound source kind and the outbound provider kind "waha". */
export const WAHA_KIND = [WahaSource, WahaAdapter];
