// A SAML identity provider for tests, offline: a generated RSA key and self-signed certificate,
// its metadata XML, and signed SAMLResponses minted on demand (signed with @boxyhq/saml20's
// signer, the xml-crypto Jackson verifies with). Every property a check looks at can be changed,
// so each refusal is tested with an otherwise valid, correctly signed response.
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { inflateRaw } from 'node:zlib';
import saml20 from '@boxyhq/saml20';
import forge from 'node-forge';
import { SignedXml } from 'xml-crypto';
import { SP_ENTITY_ID } from '@/lib/sso/jackson';

export type SamlIdp = { entityId: string; ssoUrl: string; privateKey: string; cert: string; metadataXml: string };

/** A key pair and a self-signed certificate for it, PEM. */
export function makeKeyAndCert(commonName = 'test-idp'): { privateKey: string; cert: string } {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 24 * 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 24 * 3600_000);
  const attrs = [{ name: 'commonName', value: commonName }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { privateKey: forge.pki.privateKeyToPem(keys.privateKey), cert: forge.pki.certificateToPem(cert) };
}

export function makeSamlIdp(label: string, ssoUrl = 'https://idp.test/sso'): SamlIdp {
  const entityId = `https://idp.test/${label}-${randomBytes(4).toString('hex')}`;
  const { privateKey, cert } = makeKeyAndCert(label);
  const metadataXml = saml20.createIdPMetadataXML({
    ssoUrl,
    entityId,
    x509cert: saml20.stripCertHeaderAndFooter(cert),
    wantAuthnRequestsSigned: false,
  });
  return { entityId, ssoUrl, privateKey, cert, metadataXml };
}

/** The AuthnRequest ID and RelayState of Jackson's redirect to the IdP. */
export async function readAuthnRequest(redirectUrl: string): Promise<{ requestId: string; relayState: string; acsUrl: string }> {
  const url = new URL(redirectUrl);
  const xml = (await promisify(inflateRaw)(Buffer.from(url.searchParams.get('SAMLRequest') ?? '', 'base64'))).toString('utf8');
  return {
    requestId: /\bID="([^"]+)"/.exec(xml)?.[1] ?? '',
    acsUrl: /AssertionConsumerServiceURL="([^"]+)"/.exec(xml)?.[1] ?? '',
    relayState: url.searchParams.get('RelayState') ?? '',
  };
}

export type MintOptions = {
  acsUrl: string;
  /** The AuthnRequest answered; null for an IdP-initiated response. */
  requestId: string | null;
  nameId: string;
  attributes?: Record<string, string | string[]>;
  issuer?: string;
  destination?: string | null;
  recipient?: string | null;
  audiences?: string[];
  /** Offsets from now, in seconds; null leaves the attribute out. */
  conditionsNotOnOrAfter?: number | null;
  confirmationNotOnOrAfter?: number | null;
  notBefore?: number | null;
  assertionId?: string;
  /** Signs with another key (a certificate the connection does not trust). */
  signingKey?: { privateKey: string; cert: string };
  sign?: 'assertion' | 'none';
  /** RSA-SHA1 with SHA-1 digests, as old IdPs sign (xml-crypto directly: saml20 signs with SHA-256 only). */
  sha1?: boolean;
  /** Changes the XML after signing (wrapping attacks). */
  after?: (signedXml: string) => string;
};

const iso = (offsetSeconds: number) => new Date(Date.now() + offsetSeconds * 1000).toISOString();
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
const attr = (name: string, value: string | null | undefined) => (value === null || value === undefined ? '' : ` ${name}="${esc(value)}"`);

export const ASSERTION_XPATH =
  "/*[local-name(.)='Response' and namespace-uri(.)='urn:oasis:names:tc:SAML:2.0:protocol']/*[local-name(.)='Assertion' and namespace-uri(.)='urn:oasis:names:tc:SAML:2.0:assertion']";

/** An assertion (unsigned) with the given properties. */
export function assertionXml(idp: SamlIdp, o: MintOptions): string {
  const issuer = o.issuer ?? idp.entityId;
  const attributes = Object.entries(o.attributes ?? {})
    .map(
      ([name, v]) =>
        `<saml:Attribute Name="${esc(name)}">${(Array.isArray(v) ? v : [v]).map((x) => `<saml:AttributeValue>${esc(x)}</saml:AttributeValue>`).join('')}</saml:Attribute>`,
    )
    .join('');
  const audiences = (o.audiences ?? [SP_ENTITY_ID]).map((a) => `<saml:Audience>${esc(a)}</saml:Audience>`).join('');
  return (
    `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${o.assertionId ?? `_a${randomBytes(12).toString('hex')}`}" Version="2.0" IssueInstant="${iso(0)}">` +
    `<saml:Issuer>${esc(issuer)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">${esc(o.nameId)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData` +
    `${attr('InResponseTo', o.requestId)}${attr('NotOnOrAfter', o.confirmationNotOnOrAfter === null ? null : iso(o.confirmationNotOnOrAfter ?? 300))}${attr('Recipient', o.recipient === undefined ? o.acsUrl : o.recipient)}/>` +
    `</saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions${attr('NotBefore', o.notBefore === null ? null : iso(o.notBefore ?? -60))}${attr('NotOnOrAfter', o.conditionsNotOnOrAfter === null ? null : iso(o.conditionsNotOnOrAfter ?? 300))}>` +
    `<saml:AudienceRestriction>${audiences}</saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${iso(0)}" SessionIndex="_s${randomBytes(6).toString('hex')}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    (attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : '') +
    `</saml:Assertion>`
  );
}

/** The assertion signed as saml20.sign does, but with RSA-SHA1 and a SHA-1 digest. */
function signWithSha1(xml: string, key: { privateKey: string; cert: string }): string {
  const certificate = saml20.stripCertHeaderAndFooter(key.cert);
  const signed = new SignedXml({
    privateKey: key.privateKey,
    signatureAlgorithm: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
    getKeyInfoContent: () => `<X509Data><X509Certificate>${certificate}</X509Certificate></X509Data>`,
  });
  signed.addReference({
    xpath: ASSERTION_XPATH,
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
    digestAlgorithm: 'http://www.w3.org/2000/09/xmldsig#sha1',
  });
  const issuer = '/*[local-name(.)="Issuer" and namespace-uri(.)="urn:oasis:names:tc:SAML:2.0:assertion"]';
  signed.computeSignature(xml, { location: { reference: ASSERTION_XPATH + issuer, action: 'after' } });
  return signed.getSignedXml();
}

/** A SAMLResponse (base64, as POSTed) with the assertion signed by the IdP's key. */
export function mintSamlResponse(idp: SamlIdp, o: MintOptions): string {
  const issuer = o.issuer ?? idp.entityId;
  let xml =
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r${randomBytes(12).toString('hex')}" Version="2.0" IssueInstant="${iso(0)}"` +
    `${attr('Destination', o.destination === undefined ? o.acsUrl : o.destination)}${attr('InResponseTo', o.requestId)}>` +
    `<saml:Issuer>${esc(issuer)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    assertionXml(idp, o) +
    `</samlp:Response>`;
  if ((o.sign ?? 'assertion') === 'assertion') {
    const key = o.signingKey ?? idp;
    xml = o.sha1 ? signWithSha1(xml, key) : saml20.sign(xml, key.privateKey, key.cert, ASSERTION_XPATH);
  }
  if (o.after) xml = o.after(xml);
  return Buffer.from(xml).toString('base64');
}

/** An auto-submitting HTML form POSTing the response to the ACS URL (the HTTP-POST binding). */
export function postForm(acsUrl: string, samlResponse: string, relayState: string): string {
  return (
    `<!doctype html><title>Test SAML IdP</title><body onload="document.forms[0].submit()">` +
    `<form method="post" action="${esc(acsUrl)}"><input type="hidden" name="SAMLResponse" value="${esc(samlResponse)}">` +
    `<input type="hidden" name="RelayState" value="${esc(relayState)}"><noscript><button>Continue</button></noscript></form></body>`
  );
}
