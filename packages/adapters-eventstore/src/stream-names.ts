import { categoryOf, InvalidInputError, streamCategories } from '@dotscience/core';

/**
 * How dotscience stream names map to KurrentDB stream names. The server holds
 * every stream of a deployment under an optional `namespace` prefix (empty in
 * production; a unique one per contract test on a shared server), and `$all`
 * is read with a server-side filter on the prefixes of our categories, so
 * system streams, link events and other applications' streams never reach us.
 */
export class StreamNames {
  constructor(readonly namespace = '') {
    if (/[$]/.test(namespace) || namespace.includes('-')) {
      throw new InvalidInputError('KurrentDB namespace', [
        { path: 'namespace', message: `"${namespace}" must not contain '-' or '$' (it prefixes category names, which contain no '-')` },
      ]);
    }
  }

  /** The server stream of a dotscience stream; a stream outside our categories is refused (readAll could not see it). */
  toServer(stream: string): string {
    const category = categoryOf(stream);
    if (!(streamCategories as readonly string[]).includes(category) || !stream.includes('-')) {
      throw new InvalidInputError(`append to stream ${JSON.stringify(stream)}`, [
        {
          path: 'stream',
          message: `category "${category}" is not one of ${streamCategories.join(', ')} — the KurrentDB store reads $all filtered on these categories, so any other stream would be written but never read back; name the stream <category>-<id>`,
        },
      ]);
    }
    return this.namespace + stream;
  }

  /** The server stream to read a dotscience stream from (any name: a stream outside our categories simply has no events). */
  toServerForReading(stream: string): string {
    return this.namespace + stream;
  }

  /** The dotscience stream of a server stream, or undefined when the server stream is not one of ours. */
  fromServer(serverStream: string): string | undefined {
    return this.categoryPrefixes().some((prefix) => serverStream.startsWith(prefix)) ? serverStream.slice(this.namespace.length) : undefined;
  }

  /** The server-side `$all` filter: one stream-name prefix per category, e.g. `run-`. */
  categoryPrefixes(): string[] {
    return streamCategories.map((category) => `${this.namespace}${category}-`);
  }
}
