#!/usr/bin/env node
import { CommanderError } from 'commander';
import { buildProgram } from './program.js';

// No top-level await: the bundle is CommonJS, so that its chunks can use the code cache (D177).
async function main(): Promise<void> {
  try {
    await (await buildProgram(process.argv.slice(2))).parseAsync(process.argv);
  } catch (error) {
    // --help and --version end here too (exitOverride): nothing failed and nothing more is loaded.
    if (error instanceof CommanderError && error.exitCode === 0) process.exitCode = 0;
    else {
      // Loaded only on failure: the error types it tells apart are not needed by a command that succeeds.
      const { reportFailure } = await import('./failure-report.js');
      process.exitCode = reportFailure(error, process.stderr, process.env);
    }
  }
}

void main();
