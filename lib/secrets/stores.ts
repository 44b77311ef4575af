// Secret stores behind `{{ secrets.NAME }}`: environment variables (GATEHOUSE_EXPOSED_NAME only),
// files (one per secret under GATEHOUSE_SECRETS_DIR), HashiCorp Vault KV v2 (token or AppRole) and
// AWS Secrets Manager. GATEHOUSE_SECRET_STORES lists the stores to ask, in order; the first that
// has a secret wins. Values are cached for GATEHOUSE_SECRETS_CACHE_SECONDS and never logged.
import fs from 'node:fs';
import path from 'node:path';
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { secretStoreSettings, type SecretStoreKind } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { REFERENCE_NAME } from './template';

type Store = { kind: SecretStoreKind; get: (name: string) => Promise<string | null> };

const ENV_PREFIX = 'GATEHOUSE_EXPOSED_';

const envStore: Store = {
  kind: 'env',
  get: async (name) => process.env[`${ENV_PREFIX}${name}`] ?? null,
};

const fileStore: Store = {
  kind: 'file',
  async get(name) {
    const dir = secretStoreSettings().secretsDir;
    if (!dir) throw new AppError('unavailable', 'The file secret store is enabled but GATEHOUSE_SECRETS_DIR is not set.');
    // Names are validated, and the resolved path must still be inside the directory (no symlinks out).
    if (!REFERENCE_NAME.test(name)) return null;
    let root: string;
    try {
      root = fs.realpathSync(path.resolve(dir));
    } catch {
      throw new AppError('unavailable', 'GATEHOUSE_SECRETS_DIR does not exist or cannot be read.');
    }
    let file: string;
    try {
      file = fs.realpathSync(path.join(root, name));
    } catch {
      return null;
    }
    if (path.dirname(file) !== root)
      throw new AppError('forbidden', `Secret "${name}" points outside GATEHOUSE_SECRETS_DIR; it is not read.`);
    return fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  },
};

async function vaultFetch(url: string, init: RequestInit, what: string): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(5_000) });
  } catch (e) {
    throw new AppError(
      'unavailable',
      `Vault did not answer (${what}): ${(e as Error).name === 'TimeoutError' ? 'timed out' : (e as Error).message}.`,
    );
  }
}

let vaultLogin: { token: string; until: number } | null = null;

async function vaultToken(): Promise<string> {
  const s = secretStoreSettings().vault;
  if (s.token) return s.token;
  if (!s.roleId || !s.secretId)
    throw new AppError('unavailable', 'The Vault secret store needs VAULT_TOKEN, or VAULT_ROLE_ID and VAULT_SECRET_ID for AppRole.');
  if (vaultLogin && vaultLogin.until > Date.now()) return vaultLogin.token;
  const res = await vaultFetch(
    `${s.addr}/v1/auth/${s.approleMount}/login`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role_id: s.roleId, secret_id: s.secretId }) },
    'AppRole login',
  );
  if (!res.ok) throw new AppError('unavailable', `Vault refused the AppRole login (HTTP ${res.status}).`);
  const body = (await res.json()) as { auth?: { client_token?: string; lease_duration?: number } };
  if (!body.auth?.client_token) throw new AppError('unavailable', 'Vault’s AppRole login answered without a token.');
  const ttl = Math.max(0, (body.auth.lease_duration ?? 60) - 10) * 1000;
  vaultLogin = { token: body.auth.client_token, until: Date.now() + ttl };
  return vaultLogin.token;
}

/** Vault KV v2: every secret is a key of the one secret at `<mount>/data/<path>`. */
const vaultStore: Store = {
  kind: 'vault',
  async get(name) {
    const s = secretStoreSettings().vault;
    if (!s.addr) throw new AppError('unavailable', 'The Vault secret store is enabled but VAULT_ADDR is not set.');
    const url = `${s.addr}/v1/${s.mount}/data/${s.path.split('/').map(encodeURIComponent).join('/')}`;
    let res = await vaultFetch(url, { headers: { 'x-vault-token': await vaultToken() } }, 'read');
    if (res.status === 403 && vaultLogin) {
      vaultLogin = null;
      res = await vaultFetch(url, { headers: { 'x-vault-token': await vaultToken() } }, 'read');
    }
    if (res.status === 404) return null;
    if (!res.ok) throw new AppError('unavailable', `Vault refused to read ${s.mount}/${s.path} (HTTP ${res.status}).`);
    const body = (await res.json()) as { data?: { data?: Record<string, unknown> } };
    const value = body.data?.data?.[name];
    return typeof value === 'string' ? value : value === undefined || value === null ? null : JSON.stringify(value);
  },
};

let awsClient: { key: string; client: SecretsManagerClient } | null = null;

const awsStore: Store = {
  kind: 'aws',
  async get(name) {
    const s = secretStoreSettings().aws;
    if (!s.region) throw new AppError('unavailable', 'The AWS secret store is enabled but AWS_REGION is not set.');
    const key = `${s.region}|${s.endpoint ?? ''}`;
    if (awsClient?.key !== key)
      awsClient = { key, client: new SecretsManagerClient({ region: s.region, endpoint: s.endpoint ?? undefined, maxAttempts: 2 }) };
    try {
      const out = await awsClient.client.send(new GetSecretValueCommand({ SecretId: `${s.prefix}${name}` }), {
        abortSignal: AbortSignal.timeout(5_000),
      });
      return out.SecretString ?? (out.SecretBinary ? Buffer.from(out.SecretBinary).toString('utf8') : null);
    } catch (e) {
      if (e instanceof ResourceNotFoundException) return null;
      throw new AppError('unavailable', `AWS Secrets Manager refused to read "${s.prefix}${name}": ${(e as Error).name}.`);
    }
  },
};

const STORES: Record<SecretStoreKind, Store> = { env: envStore, file: fileStore, vault: vaultStore, aws: awsStore };

const cache = new Map<string, { value: string; until: number }>();

/** Forgets cached secret values and Vault logins (tests; after an operator rotates a secret). */
export function resetSecretCache(): void {
  cache.clear();
  vaultLogin = null;
  awsClient = null;
}

/**
 * The value of secret `name` from the configured stores. Missing everywhere → an error that names
 * the secret and the stores asked (never a value). Server-side only.
 */
export async function readSecret(name: string): Promise<string> {
  if (!REFERENCE_NAME.test(name)) throw new AppError('invalid_input', `"${name}" is not a valid secret name.`);
  const settings = secretStoreSettings();
  const hit = cache.get(name);
  if (hit && hit.until > Date.now()) return hit.value;
  for (const kind of settings.stores) {
    const value = await STORES[kind].get(name);
    if (value !== null) {
      if (settings.cacheSeconds > 0) cache.set(name, { value, until: Date.now() + settings.cacheSeconds * 1000 });
      return value;
    }
  }
  throw new AppError('invalid_input', `Secret "${name}" was not found in the secret stores (${settings.stores.join(', ')}).`);
}
