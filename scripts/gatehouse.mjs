#!/usr/bin/env node
// The `gatehouse` operator CLI. Runs lib/cli/main.ts with tsx from this package's own root.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const result = spawnSync(
  process.execPath,
  [tsx, '--tsconfig', path.join(root, 'tsconfig.json'), path.join(root, 'lib/cli/main.ts'), ...process.argv.slice(2)],
  { stdio: 'inherit', env: { ...process.env, GATEHOUSE_ROOT: process.env.GATEHOUSE_ROOT ?? root } },
);
process.exit(result.status ?? 1);
