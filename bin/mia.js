#!/usr/bin/env node
// Entry point of the `mia` command: the compiled CLI lives in dist/ (built by npm install's prepare step).
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv);
