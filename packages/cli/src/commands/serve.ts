import { InvalidOptionArgumentError, type Command } from 'commander';
import { serveHub } from '@dotscience/sdk';
import { printText } from '../output/json-output.js';
import { webAppDirectory } from '../web-app-directory.js';
import { keepHubFilesPrivate, plainHttpWarning } from './hub-file-modes.js';

const localDirectory = (value: string | undefined, option: string): string | undefined => {
  if (value === undefined) return undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && !value.startsWith('file:'))
    throw new InvalidOptionArgumentError(`${option} ${value}: the hub keeps its stores in local directories; give a path or file:<dir>`);
  return value.startsWith('file:') ? value.slice('file:'.length) : value;
};

export const portArgument = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidOptionArgumentError(`${value} is not a port (0-65535; 0 picks a free one)`);
  return n;
};

/** `ds serve`: run a hub over local fs stores until interrupted. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run a hub (JSON/HTTP, Server-Sent Events) over the fs stores given by --store (and --data); tokens come from ds token create')
    .option('--port <port>', 'port to listen on (0: a free one)', portArgument, 8080)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(async (options: { port: number; host: string }, command: Command) => {
      const globals = command.optsWithGlobals<{ store?: string; data?: string }>();
      const store = localDirectory(globals.store, '--store');
      if (store === undefined) throw new InvalidOptionArgumentError('ds serve needs --store <dir>: the directory the hub keeps its projects and tokens in');
      const data = localDirectory(globals.data, '--data');
      keepHubFilesPrivate();
      const warning = plainHttpWarning(options.host);
      if (warning !== undefined) process.stderr.write(`${warning}\n`);
      const webApp = webAppDirectory();
      const hub = await serveHub({
        store,
        ...(data === undefined ? {} : { data }),
        ...(webApp === undefined ? {} : { webApp }),
        port: options.port,
        host: options.host,
        onPrepared: (outcome) =>
          printText(
            'error' in outcome
              ? `project ${outcome.project}: could not be prepared (${outcome.error}); its reads and appends will try again`
              : `project ${outcome.project}: read model ready, ${outcome.runs.toLocaleString('en-US')} run(s) (${(outcome.ms / 1000).toFixed(1)} s); log checked for appends (${(outcome.writerMs / 1000).toFixed(1)} s)`,
          ),
      });
      printText(`hub listening on ${hub.url}\n${webApp === undefined ? 'no web UI (run pnpm build:web)' : `web UI at ${hub.url}/ui/`}`);
      await new Promise<void>((resolveStop) => {
        const stop = (): void => resolveStop();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await hub.close();
    });
}
