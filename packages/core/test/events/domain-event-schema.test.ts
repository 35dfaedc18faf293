import { describe, expect, expectTypeOf, it } from 'vitest';
import { DomainEventSchema, eventSchemas, eventTypes, type DomainEvent, type EventData, type EventType } from '../../src/index.js';

describe('the union of domain events, built from the catalogue map', () => {
  it("given the catalogue, then the union has one member per event type, in the map's order, each with that type's data schema", () => {
    const members = DomainEventSchema.options.map((o) => [o.shape.type.value, o.shape.data]);
    expect(members).toEqual(eventTypes.map((t) => [t, eventSchemas[t]]));
    expect(new Set(eventTypes).size).toBe(eventTypes.length);
  });

  it("given an event of a type, when parsed, then its data is checked by that type's schema, and an unknown type is refused", () => {
    const at = '2026-11-25T10:00:00.000Z';
    expect(DomainEventSchema.parse({ type: 'MetricRecorded', data: { name: 'loss', value: 0.5, at, extra: 1 } })).toEqual({
      type: 'MetricRecorded',
      data: { name: 'loss', value: 0.5, at },
    });
    expect(DomainEventSchema.safeParse({ type: 'MetricRecorded', data: { name: 'loss', at } }).success).toBe(false);
    expect(DomainEventSchema.safeParse({ type: 'Unknown', data: {} }).success).toBe(false);
  });

  it("the types: a domain event's type is an EventType, and narrowing on it gives that type's data", () => {
    expectTypeOf<DomainEvent['type']>().toEqualTypeOf<EventType>();
    expectTypeOf<EventData<'MetricRecorded'>['name']>().toEqualTypeOf<string>();
    expectTypeOf<Extract<DomainEvent, { type: 'LabelAdded' }>['data']>().toEqualTypeOf<EventData<'LabelAdded'>>();
  });
});
