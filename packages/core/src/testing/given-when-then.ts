import { expect } from 'vitest';
import type { DomainEvent } from '../events/catalogue.js';
import { runDecider, type Decider } from '../run/decide.js';
import type { RunCommand, RunCommandInput } from '../run/run-commands.js';
import type { RunState } from '../run/run-state.js';

/** The run id `given(...)` uses: error messages name it. */
export const TEST_RUN_ID = 'test-run';

type ErrorClass = abstract new (...args: never[]) => Error;

export interface Then<State, Event> {
  /** Assert the command decides exactly these events; returns the state after them. */
  then(expected: readonly Event[]): State;
  /** Assert the command is refused with this error class (and message); returns the error. */
  thenThrows<E extends Error>(errorClass: abstract new (...args: never[]) => E, message?: RegExp): E;
}

export interface Given<State, Command, Event> {
  /** The state the given events build. */
  readonly state: State;
  when(command: Command): Then<State, Event>;
}

/** given/when/then over any decider: `scenario(decider).given(...events).when(command).then(events)`. */
export function scenario<State, Command, Event>(decider: Decider<State, Command, Event>) {
  return {
    given(...history: Event[]): Given<State, Command, Event> {
      const state = history.reduce((s, e) => decider.evolve(s, e), decider.initialState);
      return {
        state,
        when(command: Command): Then<State, Event> {
          return {
            then(expected) {
              const events = decider.decide(state, command);
              expect(events).toEqual(expected);
              return events.reduce((s, e) => decider.evolve(s, e), state);
            },
            thenThrows(errorClass: ErrorClass, message?: RegExp) {
              let thrown: unknown;
              try {
                decider.decide(state, command);
              } catch (error) {
                thrown = error;
              }
              expect(thrown, 'the command should have been refused').toBeInstanceOf(errorClass);
              if (message) expect((thrown as Error).message).toMatch(message);
              return thrown as never;
            },
          };
        },
      };
    },
  };
}

/** given/when/then over the run lifecycle of run `TEST_RUN_ID`. */
export function given(...history: DomainEvent[]): Given<RunState, RunCommandInput | RunCommand, DomainEvent> {
  return scenario(runDecider(TEST_RUN_ID)).given(...history);
}
