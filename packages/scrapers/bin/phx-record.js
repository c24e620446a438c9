#!/usr/bin/env node
import { runRecordCommand } from '../dist/internal.js';

process.exitCode = await runRecordCommand(process.argv.slice(2), process.stdout, process.stderr);
