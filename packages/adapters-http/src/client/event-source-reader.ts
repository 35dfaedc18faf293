import { parseInput, RecordedEventSchema, type RecordedEvent } from '@dotscience/core';
import { hubPaths } from '../wire/hub-routes.js';
import { HubRequestError, type HubConnection } from './hub-connection.js';

const RECONNECT_LIMIT = 20;

/**
 * Follow the hub's Server-Sent Events from `fromPosition`, calling `deliver`
 * once per event in position order. When the connection drops (the hub
 * restarts, a proxy cuts it) it reconnects from the position after the last
 * event delivered, so nothing is missed or repeated; it gives up after
 * RECONNECT_LIMIT failed reconnections in a row. Resolves when `signal` aborts.
 */
export async function followEvents(
  connection: HubConnection,
  fromPosition: number,
  signal: AbortSignal,
  deliver: (event: RecordedEvent) => void,
): Promise<void> {
  let next = fromPosition;
  let failures = 0;
  while (!signal.aborted) {
    try {
      const project = await connection.project();
      const response = await connection.send({ method: 'GET', path: hubPaths.subscribe(project), query: { fromPosition: next }, signal });
      failures = 0;
      for await (const message of serverSentEvents(response.body!)) {
        if (message.event === 'error') throw new HubRequestError(500, 'SUBSCRIPTION_FAILED', `the hub ended the subscription: ${message.data}`);
        if (message.event !== 'message') continue;
        const event = parseInput(RecordedEventSchema, JSON.parse(message.data), 'subscribed event');
        if (event.position < next) continue;
        next = event.position + 1;
        deliver(event);
      }
    } catch (error) {
      if (signal.aborted || connection.isClosed) return;
      if (error instanceof HubRequestError && error.status < 500) throw error;
      if (++failures > RECONNECT_LIMIT) throw error;
    }
    if (!signal.aborted && !connection.isClosed) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** failures)));
  }
}

interface SseMessage {
  event: string;
  data: string;
}

/** Parse a text/event-stream body into messages (comments and ids skipped; ids are positions, also in the data). */
async function* serverSentEvents(body: ReadableStream<Uint8Array>): AsyncIterable<SseMessage> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
        else if (line.startsWith('event:')) event = line.slice(6).trim();
      }
      if (data.length > 0) yield { event, data: data.join('\n') };
    }
  }
}
