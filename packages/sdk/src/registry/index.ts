import type { RegistryWriter } from '@dotscience/core';
import { writerIdentity } from '../annotations/writer-identity.js';
import type { Dotscience } from '../composition-root.js';

/** What the registry's and runs' after-the-fact changes are written with: this store, its ids, this writer (who, where). */
export function registryWriter(ds: Dotscience): RegistryWriter {
  return { events: ds.events, ids: ds.ids, meta: writerIdentity(), ...(ds.upcasters === undefined ? {} : { upcasters: ds.upcasters }) };
}
