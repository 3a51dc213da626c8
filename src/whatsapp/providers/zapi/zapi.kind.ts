import { ZapiAdapter } from './zapi.adapter';
import { ZapiSource } from './zapi.source';

/** What this folder plugs in: the inbound source kind and the outbound provider kind "zapi". */
export const ZAPI_KIND = [ZapiSource, ZapiAdapter];
