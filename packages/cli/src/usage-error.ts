import { DotscienceError } from '@dotscience/sdk';

/** The command line asks for something the command cannot do as given: a missing or wrong command, argument or option (exit code 2). */
export class UsageError extends DotscienceError {
  readonly code = 'USAGE';
}

/** The web UI's files are not there to serve (exit code 1: build it or point at it). */
export class WebAppNotBuiltError extends DotscienceError {
  readonly code = 'WEB_APP_NOT_BUILT';
  /** `configured`: the DOTSCIENCE_WEB_APP that was set, when it names no directory. */
  constructor(configured?: string) {
    super(
      configured === undefined || configured === ''
        ? 'the web UI is not built: run pnpm build:web (or set DOTSCIENCE_WEB_APP to its directory)'
        : `the web UI is not at ${configured} (DOTSCIENCE_WEB_APP): set it to the built UI's directory, or unset it after pnpm build:web`,
    );
  }
}
