import { describe, expect, it } from 'vitest';
import { ProtocolBlockError, parseRunBlock, planProtocolRun, RunBlockSchema } from '../../src/index.js';
import { blockMetricPoints } from '../../src/protocol/run-block.js';
import { protocolTimestampToIso } from '../../src/protocol/protocol-timestamp.js';

/** The empty block exactly as the library prints it (its own test_run_null). */
const NULL_RUN = `{
    "input": [],
    "labels": {},
    "output": [],
    "parameters": {},
    "summary": {},
    "version": "1"
}`;

const block = (fields: Record<string, unknown>) => JSON.stringify({ version: '1', input: [], output: [], labels: {}, summary: {}, parameters: {}, ...fields });

function problemsOf(json: string): Array<{ path: string; message: string }> {
  try {
    parseRunBlock(json);
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolBlockError);
    expect((e as ProtocolBlockError).reason).toBe('invalid-block');
    return [...(e as ProtocolBlockError).problems];
  }
  throw new Error(`expected ${json} to be refused`);
}

describe('RunBlockSchema: what the library prints is accepted', () => {
  it('accepts the empty run block', () => {
    expect(parseRunBlock(NULL_RUN)).toEqual({ version: '1', input: [], output: [], labels: {}, summary: {}, parameters: {} });
  });

  it('accepts every optional field the library prints', () => {
    const parsed = parseRunBlock(
      block({
        description: 'Ünïcode \u2603',
        error: 'Traceback …',
        start: '20190517T142233.123456',
        end: '20190517T142240.999999',
        'workload-file': 'train.py',
        input: ['data/train.csv', '.'],
        parameters: { lr: '0.1', layers: '[64, 32]', use_gpu: 'False', none: 'None' },
      }),
    );
    expect(parsed).toMatchObject({ description: 'Ünïcode ☃', start: '20190517T142233.123456', 'workload-file': 'train.py', input: ['data/train.csv', '.'] });
  });

  it('is lenient where Dotscience’s reader was: missing lists and maps are empty', () => {
    expect(parseRunBlock('{"version": "1"}')).toEqual({ version: '1', input: [], output: [], labels: {}, summary: {}, parameters: {} });
  });

  it('keeps keys it does not know (a later library may add some) without failing', () => {
    expect(parseRunBlock(block({ metrics: { loss: '0.1' }, 'new-thing': 1 }))).toMatchObject({ metrics: { loss: '0.1' }, 'new-thing': 1 });
  });

  it('a parameter named __proto__ stays an ordinary parameter', () => {
    const parsed = parseRunBlock('{"version": "1", "parameters": {"__proto__": "x", "a": "b"}}');
    expect(Object.keys(parsed.parameters)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(parsed.parameters)).toBe(Object.prototype);
  });
});

describe('RunBlockSchema: strict where it matters', () => {
  it('the version must be the string "1" (the original library) or "2" (ours)', () => {
    expect(problemsOf(block({ version: '3' }))).toEqual([{ path: 'version', message: expect.stringContaining('must be "1"') }]);
    expect(problemsOf(block({ version: 1 }))[0]!.path).toBe('version');
    expect(problemsOf('{"input": []}')[0]!.path).toBe('version');
  });

  it('a version "2" block carries metric points: finite numbers, non-negative integer steps, library times', () => {
    const parsed = parseRunBlock(
      block({
        version: '2',
        metrics: [
          { name: 'loss', value: 0.5, step: 0, at: '20260101T000000.000001' },
          { name: 'loss', value: 0.25, at: '20260101T000001.000000' },
        ],
      }),
    );
    expect(blockMetricPoints(parsed)).toEqual([
      { name: 'loss', value: 0.5, step: 0, at: '20260101T000000.000001' },
      { name: 'loss', value: 0.25, at: '20260101T000001.000000' },
    ]);
    const problems = problemsOf(block({ version: '2', metrics: [{ name: '', value: 'NaN', step: -1, at: 'yesterday' }] }));
    expect(problems.map((p) => p.path).sort()).toEqual(['metrics.0.at', 'metrics.0.name', 'metrics.0.step', 'metrics.0.value']);
  });

  it('a version "1" block has no metric points: its `metrics` key is unknown, kept and ignored as the original reader did', () => {
    const parsed = parseRunBlock(block({ version: '1', metrics: 'anything' }));
    expect(blockMetricPoints(parsed)).toEqual([]);
  });

  it.each([
    ['', 'must be a path'],
    ['a\u0000b', 'NUL'],
  ])('refuses the data path %j, naming it', (path, why) => {
    const [problem] = problemsOf(block({ output: ['ok.csv', path] }));
    expect(problem!.path).toBe('output.1');
    expect(problem!.message).toContain(why);
    if (path !== '') expect(problem!.message).toContain(JSON.stringify(path));
  });

  it('accepts unnormalized spellings that stay inside the working directory', () => {
    expect(parseRunBlock(block({ input: ['./data//a.csv', 'x/../b.csv'] })).input).toEqual(['./data//a.csv', 'x/../b.csv']);
  });

  it('accepts paths outside the root as the library prints them (os.path.relpath: ../…) and absolute ones: they are data from outside, not bad blocks', () => {
    const paths = ['/etc/hostname', '../../etc/hostname', '..', 'data/../../outside.csv'];
    expect(parseRunBlock(block({ input: paths, output: paths })).input).toEqual(paths);
  });

  it('values of parameters, summary and labels must be strings, and names must be 1–1024 characters', () => {
    const problems = problemsOf(block({ parameters: { lr: 0.1, ok: '1' }, summary: { acc: null }, labels: { '': 'x', ['n'.repeat(1025)]: 'y' } }));
    expect(problems.map((p) => p.path)).toEqual(['parameters.lr', 'summary.acc', 'labels.', `labels.${'n'.repeat(1025)}`]);
    expect(problems[0]!.message).toMatch(/must be a string, not number \(the dotscience library prints every value with str\(\)\)/);
    expect(problems[2]!.message).toMatch(/1 to 1024 characters/);
  });

  it('lists and maps must have their JSON types', () => {
    expect(problemsOf(block({ input: 'data.csv', labels: ['a'] })).map((p) => p.path)).toEqual(['input', 'labels']);
  });

  it('times must be real UTC times in the library’s format', () => {
    expect(problemsOf(block({ start: '2019-05-17T14:22:33Z', end: '20191317T142233.000000' })).map((p) => p.path)).toEqual(['start', 'end']);
  });

  it('a JSON value that is not an object is refused', () => {
    expect(problemsOf('[]')).toHaveLength(1);
    expect(RunBlockSchema.safeParse(null).success).toBe(false);
  });

  it('locates the error when told where the block was', () => {
    expect(() => parseRunBlock('{', { runId: 'r1', line: 4, offset: 99 })).toThrow(/run block r1 at line 4, byte 99: the block is not JSON/);
  });
});

describe('protocolTimestampToIso', () => {
  it.each([
    ['20190517T142233.123456', '2019-05-17T14:22:33.123Z'],
    ['20190517T142233.999999', '2019-05-17T14:22:33.999Z'],
    ['20190517T142233', '2019-05-17T14:22:33.000Z'],
    ['20190517T142233.1', '2019-05-17T14:22:33.100Z'],
    ['20190517T142233.123456789', '2019-05-17T14:22:33.123Z'],
    ['20000229T000000.000000', '2000-02-29T00:00:00.000Z'],
    ['00990101T000000.000000', '0099-01-01T00:00:00.000Z'],
  ])('%s is %s (microseconds truncated)', (text, iso) => {
    expect(protocolTimestampToIso(text)).toBe(iso);
  });

  it.each(['20190229T000000.000000', '20190517T246000.000000', '20190517T142260.0', '20190517 142233.1', '20190517T142233.', '2019051T142233.1'])(
    '%s is not a time',
    (text) => {
      expect(protocolTimestampToIso(text)).toBeUndefined();
    },
  );
});

const INTERPRETER_RUN = '0b7c4c2e-9d3e-4a51-8f63-2f4f1a6f8d01';

describe('a run block naming the Python that printed it (our client: the notebook kernel’s interpreter)', () => {
  it('given a block with "interpreter", when planned, then the plan carries it and does not list it as ignored', () => {
    const plan = planProtocolRun(INTERPRETER_RUN, parseRunBlock(block({ version: '2', interpreter: '/opt/venv/bin/python3' })));
    expect(plan.interpreter).toBe('/opt/venv/bin/python3');
    expect(plan.ignoredKeys).toEqual([]);
  });

  it('given a version "1" block with "interpreter", when planned, then it is read too (the field does not need series)', () => {
    expect(planProtocolRun(INTERPRETER_RUN, parseRunBlock(block({ interpreter: '/usr/bin/python3' }))).interpreter).toBe('/usr/bin/python3');
  });

  it('given a block without it (the original library), when planned, then the plan names no interpreter', () => {
    expect(planProtocolRun(INTERPRETER_RUN, parseRunBlock(block({ version: '2' }))).interpreter).toBeUndefined();
  });

  it('given an empty, non-string or NUL-holding interpreter, when parsed, then the block is refused naming the field', () => {
    expect(problemsOf(block({ interpreter: '' }))).toEqual([{ path: 'interpreter', message: expect.stringContaining('must be the path of the Python') }]);
    expect(problemsOf(block({ interpreter: 3 }))[0]!.path).toBe('interpreter');
    expect(problemsOf(block({ interpreter: '/usr/bin/py\u0000thon' }))).toEqual([{ path: 'interpreter', message: expect.stringContaining('NUL') }]);
  });
});
