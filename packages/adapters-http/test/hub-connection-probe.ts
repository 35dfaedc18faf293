import { connect, type Socket } from 'node:net';

/** A raw TCP client of a hub: writes exactly what it is told, keeps every byte the hub sends, and knows when the hub closed. */
export interface RawConnection {
  socket: Socket;
  /** What the hub sent so far. */
  received(): string;
  /** Resolves with everything received once the hub closes the connection (rejects after `withinMs`). */
  closed(withinMs?: number): Promise<string>;
  /** Resolves once `pattern` appears in what was received (rejects after `withinMs`). */
  waitFor(pattern: RegExp, withinMs?: number): Promise<string>;
}

export async function rawConnection(url: string, options: { read?: boolean } = {}): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let text = '';
  let ended = false;
  const waiters = new Set<() => void>();
  const changed = (): void => waiters.forEach((w) => w());
  if (options.read !== false) socket.setEncoding('latin1').on('data', (chunk: string) => ((text += chunk), changed()));
  socket.on('error', () => undefined).on('close', () => ((ended = true), changed()));
  const until = (done: () => boolean, what: string, withinMs: number): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (!done()) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(text);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`${what} within ${withinMs} ms; received so far: ${JSON.stringify(text.slice(0, 300))}`));
      }, withinMs);
      waiters.add(check);
      check();
    });
  return {
    socket,
    received: () => text,
    closed: (withinMs = 10_000) => until(() => ended, 'the hub did not close the connection', withinMs),
    waitFor: (pattern, withinMs = 10_000) => until(() => pattern.test(text), `no ${pattern} from the hub`, withinMs),
  };
}

/** The request line and headers of an HTTP/1.1 request, ready to write. */
export function requestHead(method: string, path: string, headers: Record<string, string | number>): string {
  return `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
}
