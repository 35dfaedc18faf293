import { DotscienceError } from '@dotscience/sdk';

/** A line of an import file that is not a recorded event; nothing was imported. */
export class ImportLineError extends DotscienceError {
  readonly code = 'IMPORT_BAD_LINE';
  constructor(
    readonly source: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${source} line ${line}: ${reason} — nothing was imported; fix or remove the line (each line must be one event as ds export writes it)`);
  }
}

/** The imported events' hash chain is broken: they were altered after export. Nothing was imported. */
export class ImportChainError extends DotscienceError {
  readonly code = 'IMPORT_CHAIN_BROKEN';
  constructor(
    readonly source: string,
    readonly line: number,
    readonly stream: string,
    readonly revision: number,
    detail: string,
  ) {
    super(`${source} line ${line}: ${detail} — nothing was imported; export the events again from the original store`);
  }
}

/** The store already holds a different event where the file has one. Nothing was imported. */
export class ImportConflictError extends DotscienceError {
  readonly code = 'IMPORT_CONFLICT';
  constructor(
    readonly source: string,
    readonly line: number,
    readonly stream: string,
    readonly revision: number,
    readonly existingId: string,
    readonly importedId: string,
  ) {
    super(
      `${source} line ${line}: stream ${stream} revision ${revision} is event ${existingId} in this store but ${importedId} in the file — the two stores diverged; nothing was imported (import into an empty store to keep both)`,
    );
  }
}

/** An event of the file breaks a rule of the catalogue or of its stream (the gate refused it). Nothing was imported. */
export class ImportRefusedError extends DotscienceError {
  readonly code = 'IMPORT_REFUSED';
  constructor(
    readonly source: string,
    readonly line: number,
    readonly stream: string,
    readonly revision: number,
    /** The rule it breaks, as the gate names it (INVALID_EVENT_DATA, RUN_ALREADY_PUBLISHED, ...). */
    readonly rule: string,
    reason: string,
  ) {
    super(
      `${source} line ${line}: stream ${stream} revision ${revision} breaks rule ${rule}: ${reason} — nothing was imported; this event was never admitted by dotscience (run ds audit verify on the store it came from)`,
    );
  }
}
