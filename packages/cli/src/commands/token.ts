import { InvalidOptionArgumentError, type Command } from 'commander';
import { hubTokens } from '@dotscience/sdk';
import { printJson, printText } from '../output/json-output.js';
import { renderTable } from '../output/text-table.js';
import { keepHubFilesPrivate } from './hub-file-modes.js';

const ROLES = ['read', 'write', 'admin'] as const;
type Role = (typeof ROLES)[number];

function hubDirectory(command: Command): string {
  const { store } = command.optsWithGlobals<{ store?: string }>();
  if (store === undefined) throw new InvalidOptionArgumentError('ds token needs --store <dir>: the hub directory given to ds serve');
  keepHubFilesPrivate();
  return store.startsWith('file:') ? store.slice('file:'.length) : store;
}

const role = (value: string): Role => {
  if (!(ROLES as readonly string[]).includes(value)) throw new InvalidOptionArgumentError(`${value} is not a role; use read, write or admin`);
  return value as Role;
};

/** `ds token create|list|revoke`: the hub's bearer tokens, on the hub's machine. */
export function registerTokenCommand(program: Command): void {
  const token = program.command('token').description("manage a hub's bearer tokens (run on the hub's machine with --store <hub dir>)");
  token
    .command('create')
    .description('create a token scoped to --project with a role; the secret is printed once and stored only as a hash')
    .option('--role <role>', 'read, write or admin', role, 'write')
    .option('--label <text>', 'what the token is for')
    .option('--json', 'print the token and its details as JSON')
    .action(async (options: { role: Role; label?: string; json?: boolean }, command: Command) => {
      const { project } = command.optsWithGlobals<{ project?: string }>();
      if (project === undefined) throw new InvalidOptionArgumentError('ds token create needs --project <id>: the project the token may reach');
      const created = await (await hubTokens(hubDirectory(command))).create(project, options.role, options.label);
      if (options.json) printJson(created);
      else printText(created.token);
    });
  token
    .command('list')
    .description('list tokens (never their secrets), of --project when given')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { project } = command.optsWithGlobals<{ project?: string }>();
      const tokens = (await hubTokens(hubDirectory(command))).list(project);
      if (options.json) return printJson(tokens);
      printText(
        renderTable(
          ['id', 'project', 'role', 'label', 'created', 'revoked'],
          tokens.map((t) => [t.id, t.project, t.role, t.label ?? '', t.createdAt, t.revokedAt ?? '']),
        ),
      );
    });
  token
    .command('revoke <id>')
    .description('revoke a token: the hub refuses it from the next request on')
    .option('--json', 'print the revoked token as JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const revoked = await (await hubTokens(hubDirectory(command))).revoke(id);
      if (options.json) printJson(revoked);
      else printText(`revoked ${revoked.id} (${revoked.project}, ${revoked.role})`);
    });
}
