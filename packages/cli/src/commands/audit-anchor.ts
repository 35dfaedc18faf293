import type { Command } from 'commander';
import { LogChain, signLocalHead } from '@dotscience/sdk';
import { printJson } from '../output/json-output.js';
import { withStoreForReading } from '../store-access.js';

/**
 * `ds audit anchor`: the local store's head (records, last position, log hash over every
 * record) signed with the store's own Ed25519 key, printed as JSON to publish where the
 * store's owner cannot change it (a ticket, a paper, another team's repository). Whoever
 * holds it can later check the log still starts with exactly those records:
 * `ds audit verify --anchor <file>`.
 */
export function registerAuditAnchorCommand(audit: Command): void {
  audit
    .command('anchor')
    .description(
      "print this store's log head signed with its own key (JSON), to publish elsewhere; ds audit verify --anchor <file> checks the log against it later",
    )
    .action(async (_options: unknown, command: Command) => {
      const receipt = await withStoreForReading(command, async (ds) => {
        const chain = new LogChain();
        for await (const e of ds.events.readAll()) chain.add(e.hash, e.position);
        return signLocalHead(await ds.anchorSigner(), ds.configuration.projectId, chain.head());
      });
      printJson(receipt);
    });
}
