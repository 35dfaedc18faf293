import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { z } from 'zod';

/** What answers predictions: a model loaded in process, or a worker process. */
export interface Predictor {
  /** Feature names in column order, when the model knows them (rows may then be objects). */
  readonly features?: readonly string[];
  predict(rows: number[][]): unknown[] | Promise<unknown[]>;
  close?(): Promise<void>;
}

/** The model version served, as /health and every answer name it. */
export interface ServedModel {
  name: string;
  version: number;
  digest: string | null;
  framework: string;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;

const RequestSchema = z.object({
  instances: z
    .array(z.union([z.array(z.number()), z.record(z.string(), z.number())]))
    .min(1, 'must hold at least one row')
    .max(10_000, 'at most 10,000 rows per request'),
});

class BadRequest extends Error {}

/** The rows of a request as feature columns: arrays as given (of the model's width), objects by the model's feature names. */
function rowsOf(body: unknown, features: readonly string[] | undefined): number[][] {
  const parsed = RequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BadRequest(
      `${issue.path.length === 0 ? 'body' : issue.path.join('.')}: ${issue.message} (send {"instances": [[...features], ...]}${features ? ` or rows of ${features.join(', ')}` : ''})`,
    );
  }
  return parsed.data.instances.map((row, i) => {
    if (Array.isArray(row)) {
      if (features && row.length !== features.length)
        throw new BadRequest(`instances.${i}: has ${row.length} values; the model takes ${features.length} (${features.join(', ')})`);
      return row;
    }
    if (!features) throw new BadRequest(`instances.${i}: this model knows no feature names; send an array of numbers`);
    return features.map((name) => {
      if (!Object.hasOwn(row, name)) throw new BadRequest(`instances.${i}.${name}: missing (the model takes ${features.join(', ')})`);
      return row[name]!;
    });
  });
}

/**
 * The request's JSON body, read with the stream's own events (no async iterator: a promise per chunk was a
 * tenth of the server's CPU per single-row request beyond bare node:http's; bench/benchmark-notes.md, model serving).
 */
function bodyOf(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else {
        request.off('data', onData).resume();
        reject(new BadRequest(`body: larger than ${MAX_BODY_BYTES} bytes`));
      }
    };
    request.on('data', onData);
    request.once('error', reject);
    request.once('end', () => {
      try {
        resolve(JSON.parse((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8')));
      } catch {
        reject(new BadRequest('body: is not JSON'));
      }
    });
  });
}

function send(response: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  const text = type === 'application/json' ? JSON.stringify(body) : String(body);
  response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/**
 * An HTTP endpoint for one model version: POST /predict ({"instances": [...]} →
 * {"predictions": [...]}), GET /health, GET /metrics (Prometheus, prom-client:
 * requests by outcome, prediction latency, rows predicted, and the process's own).
 */
export class PredictionServer {
  private readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'ds_prediction_requests_total',
    help: 'prediction requests by outcome',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly rows = new Counter({ name: 'ds_predicted_rows_total', help: 'rows predicted', registers: [this.registry] });
  private readonly latency = new Histogram({
    name: 'ds_prediction_duration_seconds',
    help: 'time to answer a prediction request',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  private readonly server: Server;

  constructor(
    private readonly model: ServedModel,
    private readonly predictor: Predictor,
  ) {
    this.registry.setDefaultLabels({ model: model.name, version: String(model.version) });
    collectDefaultMetrics({ register: this.registry });
    this.server = createServer((request, response) => void this.answer(request, response));
    this.server.keepAliveTimeout = 65_000;
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    try {
      if (path === '/health' && request.method === 'GET') return send(response, 200, { status: 'ok', model: this.model });
      if (path === '/metrics' && request.method === 'GET') return send(response, 200, await this.registry.metrics(), this.registry.contentType);
      if (path !== '/predict') return send(response, 404, { error: `no route ${request.method} ${path}: POST /predict, GET /health, GET /metrics` });
      if (request.method !== 'POST') return send(response, 405, { error: 'POST a JSON body {"instances": [...]} to /predict' });
      const stop = this.latency.startTimer();
      const rows = rowsOf(await bodyOf(request), this.predictor.features);
      const predictions = await this.predictor.predict(rows);
      this.rows.inc(rows.length);
      this.requests.inc({ outcome: 'ok' });
      send(response, 200, { predictions, model: this.model.name, version: this.model.version });
      stop();
    } catch (error) {
      const bad = error instanceof BadRequest;
      this.requests.inc({ outcome: bad ? 'bad_request' : 'error' });
      send(response, bad ? 400 : 500, { error: (error as Error).message });
    }
  }

  /** Listen; resolves with the URL it answers at. */
  listen(port: number, host: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        const address = this.server.address() as AddressInfo;
        resolve(`http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`);
      });
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.predictor.close?.();
  }
}
