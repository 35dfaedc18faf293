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
