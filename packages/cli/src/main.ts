#!/usr/bin/env node
import 'reflect-metadata';
import { buildProgram } from './program.js';
import { reportFailure } from './failure-report.js';

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportFailure(error, process.stderr, process.env);
}
