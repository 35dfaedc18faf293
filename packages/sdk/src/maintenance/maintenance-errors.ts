import { DotscienceError } from '@dotscience/core';

/** A maintenance operation (gc, object verification) that the configured store does not offer. */
export class MaintenanceUnsupportedError extends DotscienceError {
  readonly code = 'MAINTENANCE_UNSUPPORTED';
  constructor(
    readonly operation: string,
    readonly storeKind: string,
  ) {
    super(`${operation} is not available for the ${storeKind} data store — run it where the data lives (on the hub, or with the embedded fs store)`);
  }
}

/** A read command pointed at a store that was never created. */
export class StoreNotFoundError extends DotscienceError {
  readonly code = 'STORE_NOT_FOUND';
  constructor(readonly directory: string) {
    super(`no dotscience store at ${directory} — run ds init here, or point --store (or DOTSCIENCE_STORE) at an existing store`);
  }
}
