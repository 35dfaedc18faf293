/**
 * Checking a chunk's frames (record-frame.ts) in one pass, so that a replay can have it
 * done on a worker thread (record-worker.ts) while the main thread decodes the chunk
 * before: about a quarter of decoding a record is its checksum (a native call per record).
 */

/**
 * Where the first frame in `bytes[0, length)` that is not a whole record with a matching
 * checksum starts; `length` when every frame is whole and good. Frames before it may be
 * decoded without checking again; from it on, the reader checks each frame itself, which
 * names what is wrong.
 *
 * This function is also the worker's source (`toString`): it must refer to nothing
 * outside itself but its parameters and globals, and declare no named inner functions.
 */
export function verifiedFramesEnd(crc32: (data: Uint8Array, value?: number) => number, bytes: Uint8Array, length: number, maxPayloadBytes: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (length - at >= 8) {
    const payload = view.getUint32(at, true);
    if (payload === 0 || payload > maxPayloadBytes || length - at - 8 < payload) return at;
    const expected = crc32(bytes.subarray(at + 8, at + 8 + payload), crc32(bytes.subarray(at, at + 4)));
    if (expected !== view.getUint32(at + 4, true)) return at;
    at += 8 + payload;
  }
  return at;
}
