import { createParser } from 'eventsource-parser';
import type { RecordedEvent } from '@dotscience/core';
import type { HubApi } from './hub-api.js';

/**
 * The project's events from `fromPosition` on, live, through the hub's SSE
 * subscription (fetch with the bearer token, since EventSource cannot send
 * one). Returns a function that stops it.
 */
export function subscribeToEvents(api: HubApi, fromPosition: number, onEvent: (event: RecordedEvent) => void): () => void {
  const abort = new AbortController();
  let last = fromPosition - 1;
  const parser = createParser({
    onEvent: (message) => {
      if (message.event !== undefined && message.event !== 'message') return;
      const event = JSON.parse(message.data) as RecordedEvent;
      last = event.position;
      onEvent(event);
    },
  });
  const run = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      try {
        const response = await fetch(api.subscribeUrl(last + 1), { headers: { authorization: `Bearer ${api.token}` }, signal: abort.signal });
        const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.feed(value);
        }
      } catch {
        if (abort.signal.aborted) return;
      }
      parser.reset();
      await new Promise((r) => setTimeout(r, 2000));
    }
  };
  void run();
  return () => abort.abort();
}
