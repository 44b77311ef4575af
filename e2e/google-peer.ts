// The local OpenID provider that stands in for Google in the browser tests: the server is started
// with GOOGLE_ISSUER pointing at it (playwright.config.ts), and e2e/auth/google.spec.ts starts it.
const port = Number(process.env.E2E_PORT ?? 3100);

export const googlePeer = {
  port: Number(process.env.E2E_GOOGLE_PORT ?? port + 7),
  clientId: 'e2e-google-client',
  clientSecret: 'e2e-google-client-secret',
};
