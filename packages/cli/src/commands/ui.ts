import type { Command } from 'commander';
import { serveLocalStore } from '@dotscience/sdk';
import { printText } from '../output/json-output.js';
import { withStoreForReading } from '../store-access.js';
import { WebAppNotBuiltError } from '../usage-error.js';
import { webAppDirectory } from '../web-app-directory.js';
import { portArgument } from './serve.js';

/** `ds ui`: the web UI over the local store, on 127.0.0.1 with a read token made for this session. */
export function registerUiCommand(program: Command): void {
  program
    .command('ui')
    .description('open the web UI over the local store: starts a hub on 127.0.0.1 with a fresh read token and prints the URL to open')
    .option('--port <port>', 'port to listen on (0: a free one)', portArgument, 0)
    .action(async (options: { port: number }, command: Command) => {
      const webApp = webAppDirectory();
      if (webApp === undefined) throw new WebAppNotBuiltError(process.env['DOTSCIENCE_WEB_APP']);
      await withStoreForReading(command, async (ds) => {
        const hub = await serveLocalStore(ds, { port: options.port, host: '127.0.0.1', webApp });
        printText(`web UI of project ${hub.project}: ${hub.url}/ui/#token=${encodeURIComponent(hub.token)}`);
        await new Promise<void>((resolveStop) => {
          process.once('SIGINT', () => resolveStop());
          process.once('SIGTERM', () => resolveStop());
        });
        await hub.close();
      });
    });
}
