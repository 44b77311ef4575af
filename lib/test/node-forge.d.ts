// The few node-forge calls lib/test/saml-idp.ts makes (node-forge ships no types; it is
// installed as a dependency of @boxyhq/saml-jackson).
declare module 'node-forge' {
  type Cert = {
    publicKey: unknown;
    serialNumber: string;
    validity: { notBefore: Date; notAfter: Date };
    setSubject(attrs: { name: string; value: string }[]): void;
    setIssuer(attrs: { name: string; value: string }[]): void;
    sign(key: unknown, md: unknown): void;
  };
  const forge: {
    pki: {
      rsa: { generateKeyPair(bits: number): { publicKey: unknown; privateKey: unknown } };
      createCertificate(): Cert;
      certificateToPem(cert: Cert): string;
      privateKeyToPem(key: unknown): string;
    };
    md: { sha256: { create(): unknown } };
  };
  export default forge;
}
