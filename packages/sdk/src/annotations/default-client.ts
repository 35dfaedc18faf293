import type { JsonValue, PublishedRun } from '@dotscience/core';
import { DotscienceClient, type ModelOptions } from './dotscience-client.js';

/**
 * The module-level annotation functions (`import * as ds from '@dotscience/sdk'`),
 * bound to one client per process that is created on first use from the
 * environment and `.dotscience/config.json` (DESIGN §7), with exit handling on.
 */

let client: DotscienceClient | undefined;

/** The client the module-level functions use (created on first use). */
export function defaultClient(): DotscienceClient {
  return (client ??= new DotscienceClient());
}

/** Make `next` the client the module-level functions use (e.g. one built with explicit options). */
export function setDefaultClient(next: DotscienceClient): void {
  client = next;
}

export function interactive(): void {
  defaultClient().interactive();
}
export function script(path?: string): void {
  defaultClient().script(path);
}
export function start(description?: string): void {
  defaultClient().start(description);
}
export function end(): void {
  defaultClient().end();
}
export function publish(description?: string): Promise<PublishedRun> {
  return defaultClient().publish(description);
}
export function connect(hubUrl: string, token: string): Promise<void> {
  return defaultClient().connect(hubUrl, token);
}
export function flush(): Promise<void> {
  return defaultClient().flush();
}

export function input<P extends string>(path: P): P {
  return defaultClient().input(path);
}
export function addInput(path: string): void {
  defaultClient().addInput(path);
}
export function addInputs(...paths: Array<string | readonly string[]>): void {
  defaultClient().addInputs(...paths);
}
export function output<P extends string>(path: P): P {
  return defaultClient().output(path);
}
export function addOutput(path: string): void {
  defaultClient().addOutput(path);
}
export function addOutputs(...paths: Array<string | readonly string[]>): void {
  defaultClient().addOutputs(...paths);
}
export function model<P extends string>(name: string, path: P, options?: ModelOptions): P {
  return defaultClient().model(name, path, options);
}

export function parameter<V extends JsonValue>(name: string, value: V): V {
  return defaultClient().parameter(name, value);
}
export function addParameter(name: string, value: JsonValue): void {
  defaultClient().addParameter(name, value);
}
export function addParameters(...args: unknown[]): void {
  defaultClient().addParameters(...args);
}
export function metric<V extends JsonValue>(name: string, value: V, step?: number): V {
  return (client ??= new DotscienceClient()).metric(name, value, step);
}
export function addMetric(name: string, value: JsonValue, step?: number): void {
  defaultClient().addMetric(name, value, step);
}
export function addMetrics(values: Record<string, JsonValue>, step?: number): void {
  defaultClient().addMetrics(values, step);
}
export function summary<V extends JsonValue>(name: string, value: V): V {
  return defaultClient().summary(name, value);
}
export function addSummary(name: string, value: JsonValue): void {
  defaultClient().addSummary(name, value);
}
export function addSummaries(...args: unknown[]): void {
  defaultClient().addSummaries(...args);
}
export function label<V extends string | number | boolean>(name: string, value: V): V {
  return defaultClient().label(name, value);
}
export function addLabel(name: string, value: string | number | boolean): void {
  defaultClient().addLabel(name, value);
}
export function addLabels(...args: unknown[]): void {
  defaultClient().addLabels(...args);
}

export function error<E extends string | Error>(err: E): E {
  return defaultClient().error(err);
}
export function setError(err: string | Error): void {
  defaultClient().setError(err);
}
export function description(text: string): string {
  return defaultClient().description(text);
}
export function setDescription(text: string): void {
  defaultClient().setDescription(text);
}
