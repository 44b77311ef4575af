// In embedded mode, secrets missing from the environment are generated once into the data
// directory (mode 0600) so `npm start` needs no setup. With DATABASE_URL, nothing is generated:
// several instances must share one value, so a missing variable is a start-up error.
import fs from 'node:fs';
import path from 'node:path';
import { databaseKind, dataDir } from '@/db';

export class MissingSecretError extends Error {
  constructor(variable: string, hint: string) {
    super(`${variable} is not set. It is required when DATABASE_URL is set. ${hint}`);
    this.name = 'MissingSecretError';
  }
}

const notified = new Set<string>();

/**
 * The value of the first of `variables` that is set; otherwise, in embedded mode, the content
 * of `<data dir>/<file>`, created with `generate()` on first use.
 */
export function secretFromEnvOrDataDir(variables: readonly string[], file: string, generate: () => string, hint: string): string {
  for (const name of variables) {
    const value = process.env[name]?.trim();
    if (value) return value;
  }
  const dir = dataDir();
  if (databaseKind() === 'postgres') throw new MissingSecretError(variables[0]!, hint);
  if (dir === 'memory://') return cachedEphemeral(file, generate);
  const target = path.join(dir, file);
  try {
    return fs.readFileSync(target, 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const value = generate();
  try {
    fs.writeFileSync(target, value + '\n', { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return fs.readFileSync(target, 'utf8').trim();
    throw e;
  }
  if (!notified.has(file)) {
    notified.add(file);
    console.warn(`[gatehouse] ${variables[0]} is not set: generated one into ${target} (keep this file private).`);
  }
  return value;
}

const ephemeral = new Map<string, string>();
function cachedEphemeral(file: string, generate: () => string): string {
  let value = ephemeral.get(file);
  if (!value) ephemeral.set(file, (value = generate()));
  return value;
}
