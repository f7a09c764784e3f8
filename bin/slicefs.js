#!/usr/bin/env node
import { statSync } from 'node:fs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The bundle (scripts/bundle-cli.mjs) when it is at least as new as what tsc built, else dist/ itself.
const built = (p) => statSync(new URL(p, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const entry = built('../dist/cli-bundle/main.js') >= built('../dist/cli/main.js') ? '../dist/cli-bundle/main.js' : '../dist/cli/main.js';
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
