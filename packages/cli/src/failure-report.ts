import { CommanderError, InvalidArgumentError } from 'commander';
import { DotscienceError, QueryParseError } from '@dotscience/sdk';
import { UsageError } from './usage-error.js';

/** Errors of Node and of our packages that carry a stable code are the user's to fix, not bugs. */
function codeOf(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code) ? code : undefined;
}

/**
 * Write what went wrong to `stderr` and return the exit code. A typed error is
 * one line — its message (which names the thing and what to do) and its code; a
 * filter's or sort's parse error names which it was and adds its text with a
 * caret under the column. Anything else is a bug: its message and a request to
 * report it, the stack only with DS_DEBUG=1. Exit codes (README "Exit codes"):
 * 1 a typed error, 3 a service the configuration names cannot be reached (hub, KurrentDB), 2 usage (a missing or wrong command, argument or option; a
 * filter or sort that does not parse), 70 a bug.
 */
export function reportFailure(error: unknown, stderr: NodeJS.WritableStream, env: Record<string, string | undefined>): number {
  const debug = env.DS_DEBUG === '1';
  // An argument parser's InvalidArgumentError is turned by commander into a printed CommanderError; one thrown by an action is not printed yet.
  if (error instanceof UsageError || error instanceof InvalidArgumentError) {
    stderr.write(`ds: ${error.message.replace(/\s*\n\s*/g, ' ')}\n`);
    return 2;
  }
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2; // commander already printed it (help, version, or a usage error)
  if (error instanceof QueryParseError) {
    stderr.write(
      `ds: invalid ${error.part} (${error.code}), ${error.located}\n${error
        .render()
        .split('\n')
        .slice(0, 2)
        .map((l) => `  ${l}`)
        .join('\n')}\n`,
    );
    return 2;
  }
  if (error instanceof Error) {
    const code = error instanceof DotscienceError ? error.code : codeOf(error);
    if (code !== undefined) {
      stderr.write(`ds: ${error.message.replace(/\s*\n\s*/g, ' ')} [${code}]\n`);
      if (debug && error.stack) stderr.write(`${error.stack}\n`);
      return code.endsWith('_UNREACHABLE') ? 3 : 1;
    }
    stderr.write(
      `ds: unexpected error: ${error.message.replace(/\s*\n\s*/g, ' ')} — this is a bug, please report it${debug ? '' : ' (set DS_DEBUG=1 for the stack)'}\n`,
    );
    if (debug && error.stack) stderr.write(`${error.stack}\n`);
    return 70;
  }
  stderr.write(`ds: unexpected failure: ${String(error)} — this is a bug, please report it\n`);
  return 70;
}
