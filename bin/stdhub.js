#!/usr/bin/env node
// Entry point for `npx stdhub`: runs the compiled CLI (npm run build writes dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error('stdhub: dist/ is missing — run `npm run build` first (npm start does it for you).');
  process.exit(1);
}
await import(main.href);
