// The secret stores against real local peers: an HTTP server speaking Vault's KV v2 and AppRole
// login API, and one speaking AWS Secrets Manager's JSON protocol (GetSecretValue).
import fs from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readSecret, resetSecretCache } from './stores';

const saved = { ...process.env };
const STORE_VARS = [
  'GATEHOUSE_SECRET_STORES',
  'GATEHOUSE_SECRETS_DIR',
  'GATEHOUSE_SECRETS_CACHE_SECONDS',
  'VAULT_ADDR',
  'VAULT_TOKEN',
  'VAULT_ROLE_ID',
  'VAULT_SECRET_ID',
  'GATEHOUSE_VAULT_MOUNT',
  'GATEHOUSE_VAULT_PATH',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'GATEHOUSE_AWS_SECRETS_ENDPOINT',
  'GATEHOUSE_AWS_SECRET_PREFIX',
];

function useEnv(vars: Record<string, string>) {
  for (const k of STORE_VARS) delete process.env[k];
  Object.assign(process.env, vars);
  resetSecretCache();
}

afterEach(() => {
  for (const k of STORE_VARS) delete process.env[k];
  Object.assign(process.env, Object.fromEntries(STORE_VARS.filter((k) => saved[k] !== undefined).map((k) => [k, saved[k]!])));
  resetSecretCache();
});

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => resolve(text));
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('env and file stores', () => {
  it('reads only GATEHOUSE_EXPOSED_ variables', async () => {
    useEnv({ GATEHOUSE_SECRET_STORES: 'env', GATEHOUSE_EXPOSED_DB_PASS: 'from-env', DB_PASS: 'not-exposed' });
    expect(await readSecret('DB_PASS')).toBe('from-env');
    await expect(readSecret('HOME')).rejects.toThrow('Secret "HOME" was not found in the secret stores (env).');
    delete process.env.GATEHOUSE_EXPOSED_DB_PASS;
    delete process.env.DB_PASS;
  });

  it('reads one file per secret and refuses names and links that leave the directory', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-secrets-'));
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-outside-'));
    fs.writeFileSync(path.join(dir, 'API_KEY'), 'file-value\n');
    fs.writeFileSync(path.join(outside, 'STOLEN'), 'outside-value');
    fs.symlinkSync(path.join(outside, 'STOLEN'), path.join(dir, 'LINKED'));
    useEnv({ GATEHOUSE_SECRET_STORES: 'file', GATEHOUSE_SECRETS_DIR: dir });
    try {
      expect(await readSecret('API_KEY')).toBe('file-value');
      await expect(readSecret('../outside/STOLEN')).rejects.toThrow(/not a valid secret name/);
      await expect(readSecret('LINKED')).rejects.toThrow('Secret "LINKED" points outside GATEHOUSE_SECRETS_DIR; it is not read.');
      await expect(readSecret('MISSING')).rejects.toThrow('Secret "MISSING" was not found in the secret stores (file).');
      process.env.GATEHOUSE_SECRETS_DIR = path.join(dir, 'nope');
      resetSecretCache();
      await expect(readSecret('API_KEY')).rejects.toThrow('GATEHOUSE_SECRETS_DIR does not exist or cannot be read.');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('caches a value for GATEHOUSE_SECRETS_CACHE_SECONDS', async () => {
    useEnv({ GATEHOUSE_SECRET_STORES: 'env', GATEHOUSE_EXPOSED_ROTATING: 'one', GATEHOUSE_SECRETS_CACHE_SECONDS: '60' });
    expect(await readSecret('ROTATING')).toBe('one');
    process.env.GATEHOUSE_EXPOSED_ROTATING = 'two';
    expect(await readSecret('ROTATING')).toBe('one');
    resetSecretCache();
    process.env.GATEHOUSE_SECRETS_CACHE_SECONDS = '0';
    expect(await readSecret('ROTATING')).toBe('two');
    process.env.GATEHOUSE_EXPOSED_ROTATING = 'three';
    expect(await readSecret('ROTATING')).toBe('three');
    delete process.env.GATEHOUSE_EXPOSED_ROTATING;
  });
});

describe('HashiCorp Vault KV v2', () => {
  const requests: { method: string; url: string; token: string | undefined }[] = [];
  let logins = 0;
  let address = '';
  const server = createServer(async (req, res) => {
    const text = await body(req);
    requests.push({ method: req.method!, url: req.url!, token: req.headers['x-vault-token'] as string | undefined });
    const json = (status: number, value: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    if (req.method === 'POST' && req.url === '/v1/auth/approle/login') {
      const { role_id, secret_id } = JSON.parse(text) as { role_id: string; secret_id: string };
      if (role_id !== 'role-1' || secret_id !== 'secret-1') return json(400, { errors: ['invalid role or secret ID'] });
      logins++;
      return json(200, { auth: { client_token: 'approle-token', lease_duration: 3600, renewable: true } });
    }
    if (req.method === 'GET' && req.url === '/v1/secret/data/gatehouse') {
      if (req.headers['x-vault-token'] !== 'root-token' && req.headers['x-vault-token'] !== 'approle-token')
        return json(403, { errors: ['permission denied'] });
      return json(200, { data: { data: { DB_PASSWORD: 'vault-db-pass', API_TOKEN: 'vault-api-token' }, metadata: { version: 3 } } });
    }
    return json(404, { errors: [] });
  });
  beforeAll(async () => {
    address = await listen(server);
  });
  afterAll(() => {
    server.close();
  });

  it('reads a key of the KV v2 secret with a token', async () => {
    useEnv({ GATEHOUSE_SECRET_STORES: 'vault', VAULT_ADDR: `${address}/`, VAULT_TOKEN: 'root-token' });
    expect(await readSecret('DB_PASSWORD')).toBe('vault-db-pass');
    expect(requests.at(-1)).toEqual({ method: 'GET', url: '/v1/secret/data/gatehouse', token: 'root-token' });
    await expect(readSecret('NOPE')).rejects.toThrow('Secret "NOPE" was not found in the secret stores (vault).');
  });

  it('logs in with AppRole once and reuses the token', async () => {
    useEnv({
      GATEHOUSE_SECRET_STORES: 'vault',
      VAULT_ADDR: address,
      VAULT_ROLE_ID: 'role-1',
      VAULT_SECRET_ID: 'secret-1',
      GATEHOUSE_SECRETS_CACHE_SECONDS: '0',
    });
    const before = logins;
    expect(await readSecret('API_TOKEN')).toBe('vault-api-token');
    expect(await readSecret('DB_PASSWORD')).toBe('vault-db-pass');
    expect(logins - before).toBe(1);
    expect(requests.at(-1)?.token).toBe('approle-token');
  });

  it('fails with a clear error on a refused login or an unreachable server', async () => {
    useEnv({ GATEHOUSE_SECRET_STORES: 'vault', VAULT_ADDR: address, VAULT_ROLE_ID: 'role-1', VAULT_SECRET_ID: 'wrong' });
    await expect(readSecret('API_TOKEN')).rejects.toThrow('Vault refused the AppRole login (HTTP 400).');
    useEnv({ GATEHOUSE_SECRET_STORES: 'vault', VAULT_ADDR: 'http://127.0.0.1:9', VAULT_TOKEN: 'root-token' });
    await expect(readSecret('API_TOKEN')).rejects.toThrow(/^Vault did not answer \(read\)/);
  });
});

describe('AWS Secrets Manager', () => {
  const seen: { target: string; contentType: string; authorization: string; body: { SecretId: string } }[] = [];
  let address = '';
  const server = createServer(async (req, res) => {
    const text = await body(req);
    seen.push({
      target: String(req.headers['x-amz-target']),
      contentType: String(req.headers['content-type']),
      authorization: String(req.headers.authorization),
      body: JSON.parse(text) as { SecretId: string },
    });
    const secrets: Record<string, string> = { 'gatehouse/STRIPE_KEY': 'aws-stripe-key' };
    const id = seen.at(-1)!.body.SecretId;
    if (req.headers['x-amz-target'] === 'secretsmanager.GetSecretValue' && secrets[id]) {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(
        JSON.stringify({
          ARN: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${id}`,
          Name: id,
          SecretString: secrets[id],
          VersionId: 'v1',
          CreatedDate: 1767225600,
        }),
      );
      return;
    }
    res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'ResourceNotFoundException' }).end(
      JSON.stringify({
        __type: 'com.amazonaws.secretsmanager#ResourceNotFoundException',
        message: "Secrets Manager can't find the specified secret.",
      }),
    );
  });
  beforeAll(async () => {
    address = await listen(server);
  });
  afterAll(() => {
    server.close();
  });

  it('calls GetSecretValue, SigV4-signed, at the configured endpoint', async () => {
    useEnv({
      GATEHOUSE_SECRET_STORES: 'aws',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      GATEHOUSE_AWS_SECRETS_ENDPOINT: address,
      GATEHOUSE_AWS_SECRET_PREFIX: 'gatehouse/',
    });
    expect(await readSecret('STRIPE_KEY')).toBe('aws-stripe-key');
    const call = seen.at(-1)!;
    expect(call.target).toBe('secretsmanager.GetSecretValue');
    expect(call.contentType).toBe('application/x-amz-json-1.1');
    expect(call.body).toEqual({ SecretId: 'gatehouse/STRIPE_KEY' });
    expect(call.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/secretsmanager\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
    );
    await expect(readSecret('MISSING')).rejects.toThrow('Secret "MISSING" was not found in the secret stores (aws).');
  });

  it('asks the stores in order: the first that has the secret wins', async () => {
    useEnv({
      GATEHOUSE_SECRET_STORES: 'env,aws',
      GATEHOUSE_EXPOSED_STRIPE_KEY: 'env-wins',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'x',
      GATEHOUSE_AWS_SECRETS_ENDPOINT: address,
      GATEHOUSE_AWS_SECRET_PREFIX: 'gatehouse/',
    });
    const calls = seen.length;
    expect(await readSecret('STRIPE_KEY')).toBe('env-wins');
    expect(seen.length).toBe(calls);
    delete process.env.GATEHOUSE_EXPOSED_STRIPE_KEY;
    resetSecretCache();
    expect(await readSecret('STRIPE_KEY')).toBe('aws-stripe-key');
  });
});
