import { MetaAdapter } from './meta.adapter';
import { MetaSource } from './meta.source';

/** What this folder plugs in: the inbound source kind and the outbound provider kind "meta". */
export const META_KIND = [MetaSource, MetaAdapter];
