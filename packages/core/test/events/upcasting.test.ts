import { describe, expect, it } from 'vitest';
import { InvalidEventDataError, UnknownEventVersionError, UpcasterRegistry, currentSchemaVersion, type RecordedEvent } from '../../src/index.js';
import { newEvent, recordHistory } from './chain-fixture.js';

function recorded(type: string, schemaVersion: number, data: RecordedEvent['data']): RecordedEvent {
  const [e] = recordHistory([['run-x', { ...newEvent(type, data), schemaVersion }]]);
  return e!;
}

describe('upcasting old events', () => {
  it('given a current event, returns it parsed against the catalogue', () => {
    const registry = new UpcasterRegistry();
    expect(registry.upcast(recorded('LabelAdded', 1, { name: 'team', value: 'vision' }))).toEqual({
      type: 'LabelAdded',
      data: { name: 'team', value: 'vision' },
    });
  });

  it('given an older version and a registered step, upcasts it to the current schema', () => {
    const registry = new UpcasterRegistry();
    const current = currentSchemaVersion.LabelAdded;
    (currentSchemaVersion as Record<string, number>).LabelAdded = 2;
    try {
      registry.register('LabelAdded', 1, (d) => ({ ...(d as object), value: String((d as { value: unknown }).value) }));
      expect(registry.upcast(recorded('LabelAdded', 1, { name: 'n', value: 7 }))).toEqual({ type: 'LabelAdded', data: { name: 'n', value: '7' } });
    } finally {
      (currentSchemaVersion as Record<string, number>).LabelAdded = current;
    }
  });

  it('when no upcaster exists for an old or future version, says which event and what to do', () => {
    const registry = new UpcasterRegistry();
    expect(() => registry.upcast(recorded('LabelAdded', 9, { name: 'n', value: 'v' }))).toThrow(UnknownEventVersionError);
    expect(() => registry.upcast(recorded('NoSuchEvent', 1, {}))).toThrow(/NoSuchEvent v1 at run-x@0.*upgrade dotscience/);
  });

  it('given a type named like a property every object has, says it is not a catalogue type', () => {
    const registry = new UpcasterRegistry();
    for (const type of ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf']) {
      expect(() => registry.upcast(recorded(type, 1, {}))).toThrow(UnknownEventVersionError);
      expect(() => registry.upcast(recorded(type, 1, {}))).toThrow(new RegExp(`${type} v1 at run-x@0 has no upcaster to v\\?`));
    }
  });

  it('when the data does not match the schema, names the field', () => {
    const registry = new UpcasterRegistry();
    expect(() => registry.upcast(recorded('ParameterRecorded', 1, { value: 3 }))).toThrow(InvalidEventDataError);
    expect(() => registry.upcast(recorded('ParameterRecorded', 1, { value: 3 }))).toThrow(/name/);
  });

  it('refuses to register two upcasters for the same step', () => {
    const registry = new UpcasterRegistry().register('RunDescribed', 1, (d) => d);
    expect(() => registry.register('RunDescribed', 1, (d) => d)).toThrow(/already registered/);
  });
});
