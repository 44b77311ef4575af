import type { NextConfig } from 'next';
import { SECURITY_HEADERS } from './lib/server/security-headers';

const nextConfig: NextConfig = {
  // Native and WASM packages must be loaded by Node at run time, not bundled.
  serverExternalPackages: ['@electric-sql/pglite', 'postgres', '@node-rs/argon2', '@boxyhq/saml-jackson'],
  poweredByHeader: false,
  typedRoutes: false,
  // On every answer, static files included; proxy.ts adds each page's and API answer's own
  // (lib/server/security-headers.ts).
  async headers() {
    return [{ source: '/:path*', headers: [...SECURITY_HEADERS] }];
  },
};

export default nextConfig;
