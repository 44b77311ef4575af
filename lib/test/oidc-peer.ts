// A real OpenID provider (the oidc-provider package) on localhost, for SSO tests: accounts are
// set by the test, the login page is a one-field form, consent is granted automatically. The
// token endpoint can be told to misbehave (wrong issuer or audience, bad signature), re-signing
// the ID token with the provider's own key so only the tampered property is wrong (issuer,
// audience, signature, nonce, or its times). It can also
// answer with a JWT access token (RFC 9068 shape, signed with the provider's key, carrying the
// account's `accessTokenClaims`), well-formed or tampered. oidc-provider's own JWT access tokens
// are bound to a resource server, and its userinfo endpoint refuses those, while Jackson always
// calls userinfo: so the peer mints the JWT itself and maps it back to the opaque token at userinfo,
// as an IdP whose userinfo accepts its JWT access tokens (Keycloak) does.
import { createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type PeerAccount = {
  sub: string;
  email?: string;
  name?: string;
  groups?: string[];
  email_verified?: boolean;
  hd?: string;
  /** Extra claims of the JWT access token (accessTokenFormat other than `opaque`). */
  accessTokenClaims?: Record<string, unknown>;
};
export type AccessTokenFormat = 'opaque' | 'jwt' | 'jwt_bad_signature' | 'jwt_expired' | 'jwt_wrong_issuer';
/** A fixed port and client (a server started before the peer must know them, as for Google). */
export type PeerOptions = { port?: number; clientId?: string; clientSecret?: string };
export type TokenTamper =
  | 'none'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'bad_signature'
  | 'no_nonce'
  | 'other_nonce'
  | 'issued_in_future'
  | 'expired'
  | 'not_yet_valid';

export type OidcPeer = {
  issuer: string;
  discoveryUrl: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, PeerAccount>;
  tamper: TokenTamper;
  accessTokenFormat: AccessTokenFormat;
  close: () => Promise<void>;
};

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function resign(idToken: string, key: string, change: (claims: Record<string, unknown>) => void, breakSignature: boolean): string {
  const [header, payload] = idToken.split('.') as [string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  change(claims);
  const body = `${header}.${b64(claims)}`;
  const signature = createSign('RSA-SHA256').update(body).sign(key);
  if (breakSignature) signature[0] = signature[0]! ^ 0xff;
  return `${body}.${signature.toString('base64url')}`;
}

const form = (uid: string) =>
  `<!doctype html><title>Test IdP</title><form method="post" action="/interaction/${uid}/login"><label>IdP username <input name="login" autofocus></label><button>Sign in at IdP</button></form>`;

/** Starts a provider with one confidential client whose redirect URI is `redirectUri`. */
export async function startOidcPeer(redirectUri: string, options: PeerOptions = {}): Promise<OidcPeer> {
  const { default: Provider } = await import('oidc-provider');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const issuer = `http://localhost:${(server.address() as AddressInfo).port}`;
  const accounts = new Map<string, PeerAccount>();
  const peer: OidcPeer = {
    issuer,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    clientId: options.clientId ?? `client-${randomBytes(4).toString('hex')}`,
    clientSecret: options.clientSecret ?? randomBytes(24).toString('hex'),
    accounts,
    tamper: 'none',
    accessTokenFormat: 'opaque',
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: peer.clientId,
        client_secret: peer.clientSecret,
        redirect_uris: [redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups', 'hd'] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, id) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ email_verified: true, ...account }) };
    },
  });
  provider.proxy = false;

  const minted = new Map<string, string>();
  const accessTokenJwt = (idToken: string): string => {
    const idClaims = JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString()) as { sub: string };
    const now = Math.floor(Date.now() / 1000);
    const format = peer.accessTokenFormat;
    const claims = {
      iss: format === 'jwt_wrong_issuer' ? 'http://localhost:1/not-the-issuer' : issuer,
      sub: idClaims.sub,
      aud: 'urn:test:api',
      client_id: peer.clientId,
      iat: now - (format === 'jwt_expired' ? 3600 : 0),
      exp: now + (format === 'jwt_expired' ? -1800 : 300),
      jti: randomBytes(8).toString('hex'),
      ...accounts.get(idClaims.sub)?.accessTokenClaims,
    };
    const body = `${b64({ alg: 'RS256', kid: 'test-key', typ: 'at+jwt' })}.${b64(claims)}`;
    const signature = createSign('RSA-SHA256').update(body).sign(pem);
    if (format === 'jwt_bad_signature') signature[0] = signature[0]! ^ 0xff;
    return `${body}.${signature.toString('base64url')}`;
  };
  const callback = provider.callback();

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', issuer);
      const interaction = /^\/interaction\/([^/]+)(\/login)?$/.exec(url.pathname);
      if (interaction) {
        const details = await provider.interactionDetails(req, res);
        if (interaction[2] && req.method === 'POST') {
          const body = new URLSearchParams(
            await new Promise<string>((r) => {
              let s = '';
              req.on('data', (c) => (s += c));
              req.on('end', () => r(s));
            }),
          );
          await provider.interactionFinished(
            req,
            res,
            { login: { accountId: body.get('login') ?? '' } },
            { mergeWithLastSubmission: false },
          );
          return;
        }
        if (details.prompt.name === 'consent') {
          const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) });
          grant.addOIDCScope(String(details.params.scope));
          await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
          return;
        }
        res.writeHead(200, { 'content-type': 'text/html' }).end(form(details.uid));
        return;
      }
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (bearer && minted.has(bearer)) req.headers.authorization = `Bearer ${minted.get(bearer)}`;
      if (req.method === 'POST' && url.pathname === '/token' && (peer.tamper !== 'none' || peer.accessTokenFormat !== 'opaque')) {
        const end = res.end.bind(res) as (chunk?: unknown) => http.ServerResponse;
        res.end = ((chunk?: unknown) => {
          const body = JSON.parse(String(chunk)) as { id_token?: string; access_token?: string };
          if (body.access_token && body.id_token && peer.accessTokenFormat !== 'opaque') {
            const jwt = accessTokenJwt(body.id_token);
            minted.set(jwt, body.access_token);
            body.access_token = jwt;
          }
          if (body.id_token && peer.tamper !== 'none') {
            body.id_token = resign(
              body.id_token,
              pem,
              (c) => {
                const now = Math.floor(Date.now() / 1000);
                if (peer.tamper === 'wrong_issuer') c.iss = 'http://localhost:1/not-the-issuer';
                if (peer.tamper === 'wrong_audience') c.aud = 'someone-else';
                if (peer.tamper === 'no_nonce') delete c.nonce;
                if (peer.tamper === 'other_nonce') c.nonce = randomBytes(16).toString('base64url');
                if (peer.tamper === 'issued_in_future') Object.assign(c, { iat: now + 3600, exp: now + 7200 });
                if (peer.tamper === 'expired') Object.assign(c, { iat: now - 7200, exp: now - 3600 });
                if (peer.tamper === 'not_yet_valid') c.nbf = now + 3600;
              },
              peer.tamper === 'bad_signature',
            );
          }
          const out = JSON.stringify(body);
          res.setHeader('content-length', Buffer.byteLength(out));
          return end(out);
        }) as typeof res.end;
      }
      callback(req, res);
    })().catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(e));
    });
  });
  return peer;
}

/** A browser stand-in: follows redirects with a cookie jar until a URL under `stopAt`. */
export class PeerBrowser {
  private jar = new Map<string, string>();

  private async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.jar.size) headers.set('cookie', [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      this.jar.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    return res;
  }

  /** From the IdP authorize URL, signs in as `login` and returns the callback URL the IdP sends back. */
  async signIn(authorizeUrl: string, login: string, stopAt: string): Promise<URL> {
    let url = authorizeUrl;
    let init: RequestInit = {};
    for (let hops = 0; hops < 20; hops++) {
      if (url.startsWith(stopAt)) return new URL(url);
      const res = await this.request(url, init);
      init = {};
      const location = res.headers.get('location');
      if (location) {
        url = new URL(location, url).href;
        continue;
      }
      const html = await res.text();
      const action = /action="([^"]+)"/.exec(html)?.[1];
      if (!action) throw new Error(`The IdP answered ${res.status} without a redirect or a form at ${url}: ${html.slice(0, 300)}`);
      url = new URL(action, url).href;
      init = {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ login }).toString(),
      };
    }
    throw new Error('Too many redirects at the IdP.');
  }
}
