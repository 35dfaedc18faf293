import { CommanderError, InvalidArgumentError } from 'commander';
import { DotscienceError, parseQuery, QueryParseError } from '@dotscience/core';
import { describe, expect, it } from 'vitest';
import { reportFailure } from '../src/failure-report.js';
import { UsageError } from '../src/usage-error.js';

class SampleError extends DotscienceError {
  readonly code = 'SAMPLE';
}

function report(error: unknown, env: Record<string, string> = {}): { code: number; text: string } {
  let text = '';
  const code = reportFailure(error, { write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WritableStream, env);
  return { code, text };
}

describe('failure report', () => {
  it('given a typed error with a multi-line message, when reported, then it is one line with its code and exit code 1', () => {
    expect(report(new SampleError('stream x:\n do this'))).toEqual({ code: 1, text: 'ds: stream x: do this [SAMPLE]\n' });
  });

  it("given a system error with a code, when reported, then it is the user's to fix: one line, no request to report it", () => {
    const error = Object.assign(new Error("ENOENT: no such file or directory, open 'x.ndjson'"), { code: 'ENOENT' });
    expect(report(error)).toEqual({ code: 1, text: "ds: ENOENT: no such file or directory, open 'x.ndjson' [ENOENT]\n" });
  });

  it('given an unexpected error, when reported, then it asks to be reported and shows the stack only with DS_DEBUG=1', () => {
    const plain = report(new TypeError('x is undefined'));
    expect(plain.code).toBe(70);
    expect(plain.text).toBe('ds: unexpected error: x is undefined — this is a bug, please report it (set DS_DEBUG=1 for the stack)\n');
    const debug = report(new TypeError('x is undefined'), { DS_DEBUG: '1' });
    expect(debug.text).toMatch(/^ds: unexpected error: x is undefined — this is a bug, please report it\nTypeError: x is undefined\n\s+at /);
  });

  it('given an InvalidArgumentError or a UsageError thrown by an action (commander never printed it), when reported, then it is one line with exit code 2', () => {
    expect(report(new InvalidArgumentError('ds serve needs --store <dir>'))).toEqual({ code: 2, text: 'ds: ds serve needs --store <dir>\n' });
    expect(report(new UsageError("missing command after 'ds token':\n use one of create"))).toEqual({
      code: 2,
      text: "ds: missing command after 'ds token': use one of create\n",
    });
  });

  it('given an error commander raised after printing it, when reported, then nothing more is written: exit 2, or 0 for help and version', () => {
    expect(report(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'"))).toEqual({ code: 2, text: '' });
    expect(report(new CommanderError(0, 'commander.version', '0.1.0'))).toEqual({ code: 0, text: '' });
  });

  it('given a query parse error, when reported, then the query and a caret under the column follow the message', () => {
    let error: unknown;
    try {
      parseQuery('params.depth = = 3');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QueryParseError);
    const { code, text } = report(error);
    expect(code).toBe(2);
    expect(text.split('\n')).toEqual([
      expect.stringMatching(/^ds: invalid filter \(QUERY_PARSE\), column 16: /),
      '  params.depth = = 3',
      '                 ^',
      '',
    ]);
  });
});
