/**
 * UTF-8 for a text that arrives in chunks: a high surrogate that ends a chunk is held until
 * its pair arrives (encoded alone it would become U+FFFD), so the bytes do not depend on
 * where the text was split.
 */
export class TextChunkEncoder {
  /** A high surrogate that ended the last chunk, waiting for its pair. */
  private pendingSurrogate = '';
  private readonly encoder = new TextEncoder();

  encode(text: string): Uint8Array {
    let all = this.pendingSurrogate + text;
    this.pendingSurrogate = '';
    const last = all.charCodeAt(all.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) {
      this.pendingSurrogate = all.slice(-1);
      all = all.slice(0, -1);
    }
    return this.encoder.encode(all);
  }

  /** The text is over: the bytes of a surrogate still held (alone), else none. */
  end(): Uint8Array {
    const held = this.pendingSurrogate;
    this.pendingSurrogate = '';
    return this.encoder.encode(held);
  }
}
