import type { Command } from 'commander';
import { registerHubSyncCommand } from './push.js';

export function registerPullCommand(program: Command): void {
  registerHubSyncCommand(program, 'pull');
}
