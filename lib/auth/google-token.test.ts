// Google's code exchange (exchangeGoogleCode) against a real OpenID provider standing in for Google:
// it replaces openid-client's ID token validation, so each property it verifies has a refusal here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PeerBrowser, startOidcPeer, type OidcPeer, type TokenTamper } from '@/lib/test/oidc-peer';
import { exchangeGoogleCode, isForClient } from './google-token';

type Exchange = Parameters<typeof exchangeGoogleCode>[0];
const callbackUrl = 'http://127.0.0.1:9/api/auth/callback/google';
let peer: OidcPeer;
let client: Exchange['client'];

beforeAll(async () => {
  peer = await startOidcPeer(callbackUrl);
  peer.accounts.set('grace', { sub: 'grace', email: 'grace@corp.test' });
  const { Issuer } = await import('openid-client');
  const issuer = await Issuer.discover(peer.discoveryUrl);
  client = new issuer.Client({ client_id: peer.clientId, client_secret: peer.clientSecret, redirect_uris: [callbackUrl] });
});
afterAll(() => peer?.close());

/** Signs in at the peer with a nonce, state and PKCE as next-auth would, and exchanges the code. */
async function signIn(tamper: TokenTamper = 'none', change: (params: Record<string, string>) => void = () => {}) {
  const { generators } = await import('openid-client');
  const state = generators.state();
  const nonce = generators.nonce();
  const verifier = generators.codeVerifier();
  const url = client.authorizationUrl({
    scope: 'openid email',
    state,
    nonce,
    code_challenge: generators.codeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const back = await new PeerBrowser().signIn(url, 'grace', callbackUrl);
  const params = Object.fromEntries(back.searchParams);
  change(params);
  peer.tamper = tamper;
  try {
    const { tokens } = await exchangeGoogleCode({
      client,
      params,
      checks: { state, code_verifier: verifier },
      provider: { callbackUrl } as Exchange['provider'],
    });
    // client.grant() answers an openid-client TokenSet, which next-auth reads the profile from.
    return { claims: (tokens as unknown as { claims(): Record<string, unknown> }).claims(), nonce };
  } finally {
    peer.tamper = 'none';
  }
}

describe('exchangeGoogleCode', () => {
  it('exchanges the code with the PKCE verifier and hands on the verified ID token, nonce and times unchecked', async () => {
    const { claims, nonce } = await signIn();
    expect(claims).toMatchObject({ sub: 'grace', nonce, aud: peer.clientId, iss: peer.issuer });
    // Nonce and times are the signIn callback's (lib/auth/id-token.ts): a token without them passes here.
    expect((await signIn('no_nonce')).claims.nonce).toBeUndefined();
    expect((await signIn('expired')).claims.exp).toBeLessThan(Date.now() / 1000);
  });

  it.each([
    ['bad_signature', /signature verification failed/],
    ['wrong_issuer', /another issuer/],
    ['wrong_audience', /another client/],
  ] as const)('refuses an ID token with %s', async (tamper, why) => {
    await expect(signIn(tamper)).rejects.toThrow(why);
  });

  it('refuses another state, an error from the provider, and no code', async () => {
    await expect(signIn('none', (p) => (p.state = 'forged'))).rejects.toThrow(/state mismatch/);
    await expect(signIn('none', (p) => Object.assign(p, { error: 'access_denied' }))).rejects.toThrow(/access_denied/);
    await expect(signIn('none', (p) => delete p.code)).rejects.toThrow(/no authorization code/);
  });

  it('takes our client id as the audience, alone or named by azp among several', () => {
    expect(isForClient({ aud: 'us' }, 'us')).toBe(true);
    expect(isForClient({ aud: 'us', azp: 'them' }, 'us')).toBe(false);
    expect(isForClient({ aud: ['us', 'them'], azp: 'us' }, 'us')).toBe(true);
    expect(isForClient({ aud: ['us', 'them'] }, 'us')).toBe(false);
    expect(isForClient({ aud: ['them'], azp: 'us' }, 'us')).toBe(false);
    expect(isForClient({}, 'us')).toBe(false);
  });
});
