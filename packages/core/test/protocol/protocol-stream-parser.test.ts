import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/store-errors.js';
import { ProtocolBlockError, ProtocolStreamParser } from '../../src/index.js';
import { pythonBlock, recordStream, text, utf8 } from './protocol-stream-recording.js';

const RUN_A = '0b7c4c2e-9d3e-4a51-8f63-2f4f1a6f8d01';
const RUN_B = '5e2a8f10-3c44-4b7e-9a2d-77c1e0b9f6a2';
const RUN_C = 'c9d2f0aa-1b2c-4d3e-8f40-5a6b7c8d9e0f';

describe('ProtocolStreamParser: blocks and output', () => {
  it('given output with one block, it passes the output through and yields the block without its markers or trailing newline', () => {
    const stream = `loading data\n${pythonBlock(RUN_A, { parameters: { lr: '0.1' }, input: ['data/train.csv'] })}done\n`;
    const r = recordStream([stream]);
    expect(text(r.output)).toBe('loading data\ndone\n');
    expect(r.errors).toEqual([]);
    expect(r.findings).toEqual([
      expect.objectContaining({ kind: 'run', runId: RUN_A, offset: 'loading data\n'.length, line: 2, outputBefore: 'loading data\n'.length }),
    ]);
    expect(r.findings[0]).toMatchObject({ block: { version: '1', parameters: { lr: '0.1' }, input: ['data/train.csv'] } });
  });

  it('given several blocks, it yields each in order with the output between them', () => {
    const stream = `a\n${pythonBlock(RUN_A, {})}b\n${pythonBlock(RUN_B, { error: 'boom' })}${pythonBlock(RUN_C, {})}c`;
    const r = recordStream([stream]);
    expect(text(r.output)).toBe('a\nb\nc');
    expect(r.findings.map((f) => [f.kind, f.runId, f.outputBefore])).toEqual([
      ['run', RUN_A, 2],
      ['run', RUN_B, 4],
      ['run', RUN_C, 4],
    ]);
  });

  it('given a block sharing its line with other output, the text before and after it stays on one output line', () => {
    const stream = `epoch 3 loss=0.2 ${pythonBlock(RUN_A, {}).trimEnd()} trailing text\nnext line\n`;
    const r = recordStream([stream]);
    expect(text(r.output)).toBe('epoch 3 loss=0.2  trailing text\nnext line\n');
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ kind: 'run', line: 1, offset: 'epoch 3 loss=0.2 '.length });
  });

  it('given a block on one line (no indentation), it is recognised too', () => {
    const r = recordStream([
      `[[DOTSCIENCE-RUN:${RUN_A}]]{"version":"1","input":[],"output":[],"labels":{},"summary":{},"parameters":{}}[[/DOTSCIENCE-RUN:${RUN_A}]]\nafter`,
    ]);
    expect(text(r.output)).toBe('after');
    expect(r.findings).toMatchObject([{ kind: 'run', runId: RUN_A }]);
  });

  it('only the one newline after a block belongs to it; a CRLF counts as that newline', () => {
    const r = recordStream([`${pythonBlock(RUN_A, {})}\n${pythonBlock(RUN_B, {}).replace(/\n$/, '\r\n')}\r\rx`]);
    expect(text(r.output)).toBe('\n\r\rx');
    expect(r.findings.map((f) => f.kind)).toEqual(['run', 'run']);
  });

  it('a carriage return after a block that is not followed by a newline is output', () => {
    const r = recordStream([`${pythonBlock(RUN_A, {}).trimEnd()}\r`]);
    expect(text(r.output)).toBe('\r');
    expect(recordStream([`${pythonBlock(RUN_A, {}).trimEnd()}\rz`]).output).toEqual(utf8('\rz'));
  });

  it('text that only looks like a marker is output unchanged', () => {
    const lookalikes = [
      '[[DOTSCIENCE-RUN:]]',
      '[[DOTSCIENCE-RUN:has space]]',
      '[[DOTSCIENCE-RUN:abc]x',
      '[[DOTSCIENCE-RUN',
      '[[DOTSCIENCE-run:abc]]',
      '[[/DOTSCIENCE-RUN:abc]]',
      '[[[[[DOTSCIENCE',
      `[[DOTSCIENCE-RUN:${'a'.repeat(129)}]]`,
      'a [ b [[ c ]] d',
    ].join('\n');
    const r = recordStream([lookalikes]);
    expect(text(r.output)).toBe(lookalikes);
    expect(r.findings).toEqual([]);
  });

  it('a marker preceded by extra brackets is still found, and the brackets are output', () => {
    const r = recordStream([`[[[${pythonBlock(RUN_A, {})}`]);
    expect(text(r.output)).toBe('[[[');
    expect(r.findings).toMatchObject([{ kind: 'run', runId: RUN_A }]);
  });

  it('a marker right after text that failed to be one is still found', () => {
    const failed = ['[x', '[[DOTSCIENCE-RUN:abc def ', '[[DOTSCIENCE-RUN:abc]x', '[[DOTSCIENCE-RUX'];
    for (const before of failed) {
      const r = recordStream([`${before}${pythonBlock(RUN_A, {})}`]);
      expect(text(r.output)).toBe(before);
      expect(r.findings).toMatchObject([{ kind: 'run', runId: RUN_A, offset: before.length }]);
    }
  });

  it('non-UTF-8 bytes in the output are passed through byte for byte', () => {
    const binary = Uint8Array.from([0xff, 0xfe, 0x00, 0x80, 0x5b, 0x5b, 0xc3, 0x28, 0x0a, 0xe2, 0x82]);
    const block = utf8(pythonBlock(RUN_A, {}));
    const stream = new Uint8Array([...binary, ...block, ...binary]);
    const r = recordStream([stream]);
    expect(r.output).toEqual(new Uint8Array([...binary, ...binary]));
    expect(r.findings).toMatchObject([{ kind: 'run', runId: RUN_A }]);
  });

  it('output is emitted promptly: only bytes that may still be a marker are held back', () => {
    const parser = new ProtocolStreamParser();
    const first = parser.write('progress 10%\nprogress 20% [[DOTSCIENCE-R');
    expect(first).toHaveLength(1);
    expect(text((first[0] as { bytes: Uint8Array }).bytes)).toBe('progress 10%\nprogress 20% ');
    const second = parser.write('OCKET]] x');
    expect(text((second[0] as { bytes: Uint8Array }).bytes)).toBe('[[DOTSCIENCE-ROCKET]] x');
    expect(parser.end()).toEqual([]);
  });

  it('bytes held for a possible marker are output at end()', () => {
    const parser = new ProtocolStreamParser();
    expect(parser.write('tail [[DOTSCIENCE-RUN:abc]')).toMatchObject([{ kind: 'output' }]);
    const ended = parser.end();
    expect(ended).toHaveLength(1);
    expect(text((ended[0] as { bytes: Uint8Array }).bytes)).toBe('[[DOTSCIENCE-RUN:abc]');
  });

  it('string chunks are encoded as UTF-8, also when a chunk ends between the two halves of a surrogate pair', () => {
    const emoji = '📈';
    const r = recordStream([`gain ${emoji[0]}`, `${emoji[1]} done`]);
    expect(text(r.output)).toBe(`gain ${emoji} done`);
  });

  it('a closing marker quoted inside a JSON string is part of the block', () => {
    const description = `see [[/DOTSCIENCE-RUN:${RUN_B}]] and [[DOTSCIENCE-RUN:${RUN_C}]] in the log`;
    const r = recordStream([pythonBlock(RUN_A, { description })]);
    expect(r.errors).toEqual([]);
    expect(r.findings).toMatchObject([{ kind: 'run', runId: RUN_A, block: { description } }]);
  });

  it('locates blocks by line and byte offset across the whole stream', () => {
    const before = 'line 1\nline 2\nline 3 ';
    const block = pythonBlock(RUN_A, {});
    const r = recordStream([before, block, 'x\n', pythonBlock(RUN_B, {})]);
    expect(r.findings.map((f) => [f.runId, f.line, f.offset])).toEqual([
      [RUN_A, 3, utf8(before).length],
      [RUN_B, 3 + block.split('\n').length - 1 + 1, utf8(before + block + 'x\n').length],
    ]);
  });

  it('write() after end() is a programming error', () => {
    const parser = new ProtocolStreamParser();
    parser.end();
    expect(() => parser.write('x')).toThrow(/after end/);
    expect(parser.end()).toEqual([]);
  });

  it('refuses a block size limit that is not a positive integer', () => {
    expect(() => new ProtocolStreamParser({ maxBlockBytes: 0 })).toThrow(InvalidInputError);
    expect(() => new ProtocolStreamParser({ maxBlockBytes: 1.5 })).toThrow(/maxBlockBytes/);
  });
});

describe('ProtocolStreamParser: bad blocks are reported and the stream goes on', () => {
  it('given malformed JSON between the markers, it reports malformed-json with the run id and line, and keeps the output after it', () => {
    const stream = `ok\n[[DOTSCIENCE-RUN:${RUN_A}]]{"version": "1", oops[[/DOTSCIENCE-RUN:${RUN_A}]]\nstill here\n${pythonBlock(RUN_B, {})}end\n`;
    const r = recordStream([stream]);
    expect(text(r.output)).toBe('ok\nstill here\nend\n');
    expect(r.findings.map((f) => [f.kind, f.runId])).toEqual([
      ['error', RUN_A],
      ['run', RUN_B],
    ]);
    const [error] = r.errors;
    expect(error).toBeInstanceOf(ProtocolBlockError);
    expect(error).toMatchObject({ code: 'PROTOCOL_BLOCK', reason: 'malformed-json', runId: RUN_A, line: 2, offset: 3 });
    expect(error!.message).toMatch(new RegExp(`run block ${RUN_A} at line 2, byte 3: the block is not JSON`));
  });

  it('given a block that is not UTF-8, it reports malformed-json', () => {
    const bytes = new Uint8Array([...utf8(`[[DOTSCIENCE-RUN:${RUN_A}]]{"version": "1", "description": "`), 0xff, ...utf8(`"}[[/DOTSCIENCE-RUN:${RUN_A}]]\n`)]);
    const r = recordStream([bytes]);
    expect(r.errors).toMatchObject([{ reason: 'malformed-json', detail: expect.stringMatching(/UTF-8/) }]);
    expect(r.output).toEqual(new Uint8Array(0));
  });

  it('given JSON that breaks the schema, it reports invalid-block naming each field', () => {
    const r = recordStream([pythonBlock(RUN_A, { version: '3', parameters: { lr: 0.1 }, input: ['a\u0000b'] }), 'after']);
    expect(text(r.output)).toBe('after');
    const [error] = r.errors;
    expect(error).toMatchObject({ reason: 'invalid-block', runId: RUN_A });
    expect(error!.problems.map((p) => p.path).sort()).toEqual(['input.0', 'parameters.lr', 'version']);
    expect(error!.message).toContain('"a\\u0000b" contains a NUL character');
  });

  it('given a closing marker for another run, it reports mismatched-id naming both and goes on after it', () => {
    const r = recordStream([`[[DOTSCIENCE-RUN:${RUN_A}]]{"version": "1"}[[/DOTSCIENCE-RUN:${RUN_B}]]\nafter\n`]);
    expect(text(r.output)).toBe('after\n');
    expect(r.errors).toMatchObject([{ reason: 'mismatched-id', runId: RUN_A }]);
    expect(r.errors[0]!.message).toContain(RUN_B);
  });

  it('given a block still open at end(), it reports unterminated and outputs the bytes it held', () => {
    const open = `[[DOTSCIENCE-RUN:${RUN_A}]]{\n    "version": "1",\n    "input": [`;
    const r = recordStream(['before\n', open]);
    expect(text(r.output)).toBe(`before\n${open}`);
    expect(r.errors).toMatchObject([{ reason: 'unterminated', runId: RUN_A, line: 2, offset: 7 }]);
  });

  it('given a block interrupted by another opening marker, it reports the first as unterminated, outputs its bytes, and parses the second', () => {
    const broken = `[[DOTSCIENCE-RUN:${RUN_A}]]{"version": "1", `;
    const r = recordStream([`${broken}${pythonBlock(RUN_B, {})}after`]);
    expect(text(r.output)).toBe(`${broken}after`);
    expect(r.findings.map((f) => [f.kind, f.runId])).toEqual([
      ['error', RUN_A],
      ['run', RUN_B],
    ]);
    expect(r.errors[0]!.reason).toBe('unterminated');
  });

  it('a broken string (a raw newline inside quotes) does not hide the next opening marker', () => {
    const broken = `[[DOTSCIENCE-RUN:${RUN_A}]]{"version": "1", "description": "unclosed\n`;
    const r = recordStream([`${broken}${pythonBlock(RUN_B, {})}after`]);
    expect(text(r.output)).toBe(`${broken}after`);
    expect(r.findings.map((f) => [f.kind, f.runId])).toEqual([
      ['error', RUN_A],
      ['run', RUN_B],
    ]);
  });

  it('given a block one byte over the size limit, it reports too-large and passes the block through as output', () => {
    const block = pythonBlock(RUN_A, { description: 'x'.repeat(200) });
    const jsonLength = utf8(block.slice(block.indexOf(']]') + 2, block.lastIndexOf('[[/'))).length;
    const r = recordStream([block, 'after'], { maxBlockBytes: jsonLength - 1 });
    expect(text(r.output)).toBe(`${block}after`);
    expect(r.errors).toMatchObject([{ reason: 'too-large', runId: RUN_A, line: 1, offset: 0 }]);
    expect(r.errors[0]!.message).toMatch(new RegExp(`larger than the limit of ${jsonLength - 1} bytes`));
  });

  it('given a block that grows past the limit without closing, it reports too-large, outputs the held bytes and holds no more', () => {
    const limit = 1000;
    const open = `[[DOTSCIENCE-RUN:${RUN_A}]]{"description": "`;
    const parser = new ProtocolStreamParser({ maxBlockBytes: limit });
    const events = [...parser.write(open)];
    for (let i = 0; i < 20; i += 1) events.push(...parser.write('y'.repeat(100)));
    const errors = events.filter((e) => e.kind === 'error');
    expect(errors).toMatchObject([{ error: { reason: 'too-large', runId: RUN_A } }]);
    // Once given up, the block's bytes flow out: later writes are output straight away.
    const late = parser.write('tail\n');
    expect(late).toMatchObject([{ kind: 'output' }]);
    const output = [...events, ...late, ...parser.end()].flatMap((e) => (e.kind === 'output' ? [text(e.bytes)] : [])).join('');
    expect(output).toBe(`${open}${'y'.repeat(2000)}tail\n`);
  });

  it('a block exactly at the limit is accepted', () => {
    const block = pythonBlock(RUN_A, {});
    const json = block.slice(block.indexOf(']]') + 2, block.lastIndexOf('[[/'));
    const r = recordStream([block], { maxBlockBytes: utf8(json).length });
    expect(r.errors).toEqual([]);
    expect(r.findings).toHaveLength(1);
  });
});
