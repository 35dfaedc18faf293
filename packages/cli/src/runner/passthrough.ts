import type { Writable } from 'node:stream';

/** Write the program's bytes to our own stream; when it is full, a promise that settles once it has drained (so the program's pipe is paused meanwhile). */
export function passThrough(target: Writable, bytes: Uint8Array): void | Promise<void> {
  if (target.write(bytes)) return undefined;
  return new Promise((resolveDrain) => target.once('drain', () => resolveDrain()));
}
