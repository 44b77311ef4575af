import { describe, expect, it } from 'vitest';
import { checkSamlResponse, parseSamlResponse, responseIssuer, SAML_RESPONSE_MAX_BYTES } from './saml-checks';

const b64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');
const response = (inner = '') =>
  `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"> https://idp.test </saml:Issuer>${inner}</samlp:Response>`;
const ours = { acsUrl: 'https://sp.test/acs', audience: 'https://sp.test', requestId: null };

describe('parseSamlResponse: one decode and parse for the whole sign-in', () => {
  it('refuses a response over the size cap before decoding it', () => {
    expect(parseSamlResponse('A'.repeat(Math.ceil((SAML_RESPONSE_MAX_BYTES * 4) / 3) + 8))).toBeNull();
    expect(parseSamlResponse(b64(response(`<x>${'y'.repeat(SAML_RESPONSE_MAX_BYTES)}</x>`)))).toBeNull();
    expect(checkSamlResponse(null, ours)).toEqual({ ok: false, reason: 'saml_too_large' });
  });

  it('reads the Response and its own Issuer', () => {
    const document = parseSamlResponse(b64(response()))!;
    expect(document.wellFormed).toBe(true);
    expect(document.response?.localName).toBe('Response');
    expect(responseIssuer(document)).toBe('https://idp.test');
  });

  it.each([
    ['a DTD', `<!DOCTYPE r [<!ENTITY e "x">]>${response()}`],
    ['text that is not XML', 'not xml'],
    ['another root element', '<Response xmlns="urn:example">x</Response>'],
  ])('has no Response for %s, and the checks call it malformed', (_label, xml) => {
    const document = parseSamlResponse(b64(xml))!;
    expect(document.response).toBeNull();
    expect(responseIssuer(document)).toBeNull();
    expect(checkSamlResponse(document, ours)).toEqual({ ok: false, reason: 'saml_malformed' });
  });

  it('keeps a recovered document for the issuer lookup, while the checks refuse it', () => {
    const document = parseSamlResponse(b64(response('<x>&undefined;</x>')))!;
    expect(document.wellFormed).toBe(false);
    expect(responseIssuer(document)).toBe('https://idp.test');
    expect(checkSamlResponse(document, ours)).toEqual({ ok: false, reason: 'saml_malformed' });
  });

  it('lets parser warnings pass', () => {
    expect(parseSamlResponse(b64(response().replace('<samlp:Response ', '<samlp:Response ID ')))!.wellFormed).toBe(true);
  });
});
