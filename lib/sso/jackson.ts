// The embedded Jackson (SSO only): one instance per process, its init promise cached on
// globalThis so Next's module reloading never starts a second one. It stores everything through
// JacksonStoreDriver on our database, encrypted with GATEHOUSE_SSO_ENCRYPTION_KEY (decision 0014).
import { randomBytes } from 'node:crypto';
import type { SAMLJackson } from '@boxyhq/saml-jackson';
import { secretFromEnvOrDataDir } from '@/lib/crypto/generated-secrets';
import { AppError } from '@/lib/errors';
import { JacksonStoreDriver } from './jackson-store';

/** Our SAML SP entity id. It ends up in every customer's IdP configuration: never change it. */
export const SP_ENTITY_ID = 'urn:gatehouse:sp';
/** Where the IdP sends the browser back after an OIDC sign-in (Jackson's oidcPath). */
export const OIDC_CALLBACK_PATH = '/api/sso/oidc/callback';
/** Where the IdP POSTs a SAMLResponse (our ACS URL is externalUrl() + this). */
export const SAML_ACS_PATH = '/api/sso/saml/acs';
/** Our SP metadata, for the IdP's administrator. */
export const SAML_METADATA_PATH = '/api/sso/saml/metadata';
/** The redirect_uri Jackson hands its code to; exchanged in-process, never requested. */
export const SSO_COMPLETE_PATH = '/api/sso/complete';
/** Jackson's tenant/product for an organization: the tenant is the organization id. */
export const SSO_PRODUCT = 'gatehouse';

/** GATEHOUSE_SSO_ENCRYPTION_KEY: 32 bytes, base64; generated into the data dir in embedded mode. */
export function ssoEncryptionKey(): string {
  const key = secretFromEnvOrDataDir(
    ['GATEHOUSE_SSO_ENCRYPTION_KEY'],
    'sso-encryption-key',
    () => randomBytes(32).toString('base64'),
    'Generate one with: openssl rand -base64 32',
  );
  if (Buffer.from(key, 'base64').length !== 32 || key.length === 32) {
    throw new Error('GATEHOUSE_SSO_ENCRYPTION_KEY must be 32 random bytes, base64-encoded (openssl rand -base64 32).');
  }
  return key;
}

/** The public base URL the IdP redirects to (NEXTAUTH_URL, or localhost on PORT). */
export function externalUrl(): string {
  return (process.env.NEXTAUTH_URL || `http://localhost:${process.env.PORT || '3000'}`).replace(/\/$/, '');
}

const cache = globalThis as unknown as { __gatehouseJackson?: Promise<SAMLJackson>; __gatehouseJacksonReady?: SAMLJackson };

type OidcClientModule = { oidcClientConfig: (args: unknown) => Promise<object> };
type OpenIdClient = { enableNonRepudiationChecks: (config: object) => void };

/**
 * Jackson 26.2.0 builds its openid-client configuration without enableNonRepudiationChecks, so an
 * ID token from the token endpoint is accepted with any signature (openid-client relies on TLS
 * alone there). We wrap its config factory to turn the check on: the token's signature is then
 * verified against the IdP's JWKS. Jackson calls the factory through the module's exports at
 * call time, so replacing the export is enough. sso.db.test.ts's "bad signature" test fails
 * without this; lib/sso/dependency-floor.test.ts pins the Jackson version it was written for.
 */
async function requireIdTokenSignatures(): Promise<void> {
  const { default: mod } = (await import('@boxyhq/saml-jackson/dist/controller/oauth/oidc-client.js')) as { default: OidcClientModule & { __gatehouseSigned?: true } };
  if (mod.__gatehouseSigned) return;
  const { dynamicImport } = (await import('@boxyhq/saml-jackson/dist/controller/utils.js')).default as { dynamicImport: (name: string) => Promise<OpenIdClient> };
  const client = await dynamicImport('openid-client');
  const original = mod.oidcClientConfig;
  mod.oidcClientConfig = async (args) => {
    const config = await original(args);
    client.enableNonRepudiationChecks(config);
    return config;
  };
  mod.__gatehouseSigned = true;
}

async function start(): Promise<SAMLJackson> {
  await requireIdTokenSignatures();
  const { default: controllers } = await import('@boxyhq/saml-jackson');
  const encryptionKey = ssoEncryptionKey();
  return controllers({
    externalUrl: externalUrl(),
    samlPath: SAML_ACS_PATH,
    oidcPath: OIDC_CALLBACK_PATH,
    samlAudience: SP_ENTITY_ID,
    noAnalytics: true,
    // IdP-initiated responses reach Jackson only when the connection allows them: our own
    // checks (lib/sso/saml-sign-in.ts) refuse them otherwise.
    idpEnabled: true,
    db: { driver: new JacksonStoreDriver(), encryptionKey, manualMigration: true },
    // Never pass client-chosen authorize parameters on to the IdP.
    openid: { forwardOIDCParams: false, requestProfileScope: true },
    // Traces would keep raw ID and access tokens in the database; failures are audited instead.
    ssoTraces: { disable: true },
    logger: { info: () => {}, warn: (m) => console.warn(`[jackson] ${m}`), error: (m) => console.error(`[jackson] ${m}`) },
  });
}

/** The process's Jackson, started on first use. A failed start is retried on the next call. */
export function getJackson(): Promise<SAMLJackson> {
  if (!cache.__gatehouseJackson) {
    cache.__gatehouseJackson = start()
      .then((j) => (cache.__gatehouseJacksonReady = j))
      .catch((e: unknown) => {
      delete cache.__gatehouseJackson;
      throw e;
    });
  }
  return cache.__gatehouseJackson;
}

/**
 * The started Jackson, for use inside a transaction (withJacksonTx). Starting it there could
 * deadlock the embedded database, whose one connection the transaction holds; the server starts
 * it before taking requests (lib/system/startup.ts).
 */
export function startedJackson(): SAMLJackson {
  const jackson = cache.__gatehouseJacksonReady;
  if (!jackson) throw new AppError('internal', 'Single sign-on is still starting. Try again in a moment.');
  return jackson;
}
