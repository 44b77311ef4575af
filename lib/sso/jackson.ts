// The embedded Jackson (SSO only): one instance per process, its init promise cached on
// globalThis so Next's module reloading never starts a second one. It stores everything through
// JacksonStoreDriver on our database, encrypted with GATEHOUSE_SSO_ENCRYPTION_KEY (decision 0014).
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type { SAMLJackson } from '@boxyhq/saml-jackson';
import { secretFromEnvOrDataDir } from '@/lib/keys/generated-secrets';
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
type OpenIdClient = { enableNonRepudiationChecks: (config: object) => void; clockTolerance: symbol };

/**
 * openid-client's own clock tolerance for the ID token's exp and nbf: looser than ours, so that
 * within a day checkIdTokenClaims (lib/auth/id-token.ts, 5 minutes of skew) refuses with a reason
 * the audit row names, rather than Jackson failing generically. Beyond it both refuse.
 */
const LIBRARY_CLOCK_TOLERANCE_SECONDS = 24 * 3600;

/**
 * Jackson 26.2.0 builds its openid-client configuration without enableNonRepudiationChecks, so an
 * ID token from the token endpoint is accepted with any signature (openid-client relies on TLS
 * alone there). We wrap its config factory to turn the check on: the token's signature is then
 * verified against the IdP's JWKS. Jackson calls the factory through the module's exports at
 * call time, so replacing the export is enough. sso.db.test.ts's "bad signature" test fails
 * without this; lib/sso/dependency-floor.test.ts pins the Jackson version it was written for.
 */
async function requireIdTokenSignatures(): Promise<void> {
  const { default: mod } = (await import('@boxyhq/saml-jackson/dist/controller/oauth/oidc-client.js')) as {
    default: OidcClientModule & { __gatehouseSigned?: true };
  };
  if (mod.__gatehouseSigned) return;
  const { dynamicImport } = (await import('@boxyhq/saml-jackson/dist/controller/utils.js')).default as {
    dynamicImport: (name: string) => Promise<OpenIdClient>;
  };
  const client = await dynamicImport('openid-client');
  const original = mod.oidcClientConfig;
  mod.oidcClientConfig = async (args) => {
    // openid-client reads the tolerance from the client metadata, which Jackson passes as the secret.
    const { clientSecret } = args as { clientSecret?: unknown };
    const metadata = {
      ...(typeof clientSecret === 'string' ? { client_secret: clientSecret } : {}),
      [client.clockTolerance]: LIBRARY_CLOCK_TOLERANCE_SECONDS,
    };
    const config = await original({ ...(args as object), clientSecret: metadata });
    client.enableNonRepudiationChecks(config);
    return config;
  };
  mod.__gatehouseSigned = true;
}

/**
 * What the IdP's token endpoint answered, kept in memory for the sign-in that asked (never stored):
 * the access token, the ID token's claims (verified by openid-client inside Jackson), and the
 * discovery document's issuer and JWKS URI.
 */
export type IdpTokens = { accessToken?: string; idTokenClaims?: Record<string, unknown>; issuer?: string; jwksUri?: string };

// On globalThis: the wrapper is installed once per process, but Next bundles this module several times.
const tokenSlots = ((globalThis as unknown as { __gatehouseIdpTokens?: AsyncLocalStorage<IdpTokens> }).__gatehouseIdpTokens ??=
  new AsyncLocalStorage<IdpTokens>());

/**
 * Runs `fn` (Jackson's oidcAuthzResponse) and fills `slot` with the IdP's access token and the
 * issuer and JWKS URI of the discovery document Jackson used. Jackson keeps the access token to
 * itself (it reaches the profile only for identity federation, and would then be written into its
 * code and token stores); capturing it here keeps it out of every store.
 */
export function captureIdpTokens<R>(slot: IdpTokens, fn: () => Promise<R>): Promise<R> {
  return tokenSlots.run(slot, fn);
}

type UtilsModule = {
  extractOIDCUserProfile: (
    tokens: { access_token?: string; claims?: () => Record<string, unknown> | undefined },
    config: { serverMetadata(): { issuer: string; jwks_uri?: string } },
    ...rest: unknown[]
  ) => Promise<unknown>;
};

/**
 * Jackson 26.2.0 reads the IdP's profile in utils.extractOIDCUserProfile(tokens, oidcConfig), called
 * through the module's exports right after the code exchange (controller/oauth.js). We wrap that
 * export to copy the access token and the IdP's issuer and JWKS URI into the slot of the sign-in
 * in progress (captureIdpTokens). Without a slot nothing is copied. lib/sso/access-token.db.test.ts
 * fails when a Jackson upgrade stops calling it this way (the slot stays empty and a sign-in that
 * reads the access token is refused).
 */
async function captureAccessTokens(): Promise<void> {
  const { default: mod } = (await import('@boxyhq/saml-jackson/dist/controller/utils.js')) as unknown as {
    default: UtilsModule & { __gatehouseCapture?: true };
  };
  if (mod.__gatehouseCapture) return;
  const original = mod.extractOIDCUserProfile;
  mod.extractOIDCUserProfile = async (tokens, config, ...rest) => {
    const profile = await original(tokens, config, ...rest);
    const slot = tokenSlots.getStore();
    if (slot) {
      const metadata = config.serverMetadata();
      Object.assign(slot, {
        accessToken: tokens.access_token,
        idTokenClaims: tokens.claims?.(),
        issuer: metadata.issuer,
        jwksUri: metadata.jwks_uri,
      });
    }
    return profile;
  };
  mod.__gatehouseCapture = true;
}

async function start(): Promise<SAMLJackson> {
  await requireIdTokenSignatures();
  await captureAccessTokens();
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
