import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';

/**
 * What one client, with or without a token, can hold of the hub: time, connections,
 * buffered bytes. Every figure can be given to `HubServer` (tests use short ones).
 */
export interface HubLimits {
  /** The request line and headers must arrive within this, from the connection's start (or the previous request's end). Default 20 s. */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (object uploads included). Default 5 min. */
  requestTimeoutMs: number;
  /** A keep-alive connection with no request in progress is closed after this. Default 30 s. */
  keepAliveTimeoutMs: number;
  /** A connection on which no byte moves either way is closed after this (SSE sends heartbeats well within it). Default 2 min. */
  idleTimeoutMs: number;
  /** How often node:http checks the header and request deadlines. Default 1 s. */
  timeoutCheckIntervalMs: number;
  /** Open connections at most; more are closed as they arrive. Default 16,384, or ¾ of the process's descriptor limit when that is lower (the rest stays for the stores' files). */
  maxConnections: number;
  /** JSON body bytes being received across all requests at most (declared length, or the body limit when none is declared); over it: 503. Default 128 MiB. */
  bodiesInFlightBytes: number;
  /** Server-Sent Events streams one token may hold open at once; over it: 429. Default 16. */
  subscriptionsPerToken: number;
}

/** The process's soft limit on open descriptors (Linux), or undefined where it cannot be read. */
function descriptorLimit(): number | undefined {
  try {
    const line = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return line ? Number(line[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function hubLimits(given: Partial<HubLimits> = {}): HubLimits {
  const descriptors = descriptorLimit();
  return {
    headersTimeoutMs: 20_000,
    requestTimeoutMs: 300_000,
    keepAliveTimeoutMs: 30_000,
    idleTimeoutMs: 120_000,
    timeoutCheckIntervalMs: 1_000,
    maxConnections: Math.min(16_384, descriptors === undefined ? Infinity : Math.floor(descriptors * 0.75)),
    bodiesInFlightBytes: 128 * 1024 * 1024,
    subscriptionsPerToken: 16,
    ...given,
  };
}

/** The fastify (and node:http) options that enforce the limits' timeouts. */
export function serverTimeoutOptions(limits: HubLimits) {
  return {
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    // node:http refuses a headers timeout above the request timeout.
    http: { headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs), connectionsCheckingInterval: limits.timeoutCheckIntervalMs },
  };
}

/** Connections beyond the cap are closed by node:http as they are accepted, before they cost a descriptor for long. */
export function capConnections(server: Server, limits: HubLimits): void {
  server.maxConnections = limits.maxConnections;
}
