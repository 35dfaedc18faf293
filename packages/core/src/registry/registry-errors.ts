import { DotscienceError } from '../errors/store-errors.js';

/** A registry change or a model/run reference the recorded state refuses; `code` says which rule. */
export class RegistryError extends DotscienceError {
  constructor(
    readonly code: 'MODEL_UNKNOWN' | 'MODEL_VERSION_UNKNOWN' | 'MODEL_ALIAS_UNKNOWN' | 'MODEL_REFERENCE' | 'RUN_DELETED',
    message: string,
  ) {
    super(message);
  }
}
