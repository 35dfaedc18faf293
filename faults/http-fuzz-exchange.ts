import { connect } from 'node:net';

/**
 * One HTTP/1.1 exchange over a raw TCP socket, for the hub fuzz: fetch() refuses to send
 * what a hostile client sends (mismatched Content-Length, bad header bytes, duplicate
 * framing headers), so requests are written byte for byte and the answer is read until
 * the server closes the connection (every request says `Connection: close`).
 */

export interface RawRequest {
  method: string;
  path: string;
  /** Header lines as sent, without CRLF (may be malformed on purpose). */
  headers: string[];
  body: Uint8Array;
  /** Close our sending side right after the request: the body the headers announced will never come. */
  halfClose?: boolean;
  /** Line ending between header lines (CRLF unless a case tries bare LF). */
  lineEnd?: string;
}

export interface RawAnswer {
  /** 0 when the server closed without an HTTP answer. */
  status: number;
  headers: Record<string, string>;
  body: string;
  /** A socket error seen while sending or reading (e.g. ECONNRESET after an early refusal). */
  socketError?: string;
}

/** A request's bytes: request line, headers (always Host and Connection: close first), blank line, body. */
export function requestBytes(request: RawRequest): Buffer {
  const end = request.lineEnd ?? '\r\n';
  const head = [`${request.method} ${request.path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...request.headers].join(end);
  return Buffer.concat([Buffer.from(`${head}${end}${end}`, 'latin1'), request.body]);
}

function decodeChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(body.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

export function parseAnswer(bytes: Buffer, socketError?: string): RawAnswer {
  const headEnd = bytes.indexOf('\r\n\r\n');
  const statusLine = /^HTTP\/1\.[01] (\d{3})/.exec(bytes.subarray(0, 32).toString('latin1'));
  if (headEnd < 0 || !statusLine) return { status: 0, headers: {}, body: bytes.toString('utf8'), ...(socketError ? { socketError } : {}) };
  const headers: Record<string, string> = {};
  for (const line of bytes.subarray(0, headEnd).toString('latin1').split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = bytes.subarray(headEnd + 4);
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') body = decodeChunked(body);
  else if (headers['content-length'] !== undefined) body = body.subarray(0, Number(headers['content-length']));
  return { status: Number(statusLine[1]), headers, body: body.toString('utf8'), ...(socketError ? { socketError } : {}) };
}

/** Send `request` to 127.0.0.1:`port` and read the answer; fails when the server neither answers nor closes within `timeoutMs`. */
export function exchange(port: number, request: RawRequest, timeoutMs = 10_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let socketError: string | undefined;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer and no close within ${timeoutMs} ms to ${request.method} ${request.path}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      socketError = error.code ?? error.message;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseAnswer(Buffer.concat(received), socketError));
    });
    socket.write(requestBytes(request), () => {
      if (request.halfClose) socket.end();
    });
  });
}
