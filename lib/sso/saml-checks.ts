// Our own checks on a SAMLResponse, stricter than Jackson's: run before Jackson verifies the
// signature (which it does on the same bytes), on the document parseSamlResponse decoded and
// parsed once for the whole sign-in. A response that passes here has exactly one
// assertion, for our SP entity id exactly, sent to our ACS URL, in answer to the request this
// browser started (or, when the organization allows it, to none), not expired beyond
// SAML_CLOCK_SKEW_MS, and signed without SHA-1 unless the connection allows it. Each failure is a
// LOGIN_FAILED reason code.
import { DOMParser, type Element } from '@xmldom/xmldom';

export const SAML_PROTOCOL_NS = 'urn:oasis:names:tc:SAML:2.0:protocol';
export const SAML_ASSERTION_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
/** The largest SAMLResponse accepted, decoded; anything larger is refused before parsing. */
export const SAML_RESPONSE_MAX_BYTES = 256 * 1024;
/** The clock skew allowed on NotBefore / NotOnOrAfter. */
export const SAML_CLOCK_SKEW_MS = 3 * 60 * 1000;
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
/** SHA-1 in XML signatures: the signature methods (RSA, DSA, HMAC, ECDSA) and the digest. */
const SHA1_ALGORITHMS = new Set([
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  'http://www.w3.org/2000/09/xmldsig#dsa-sha1',
  'http://www.w3.org/2000/09/xmldsig#hmac-sha1',
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1',
  'http://www.w3.org/2000/09/xmldsig#sha1',
]);

export type SamlCheckFailure =
  | 'saml_too_large'
  | 'saml_malformed'
  | 'saml_assertion_count'
  | 'saml_audience'
  | 'saml_destination'
  | 'saml_recipient'
  | 'saml_expired'
  | 'saml_in_response_to'
  | 'saml_sha1';

export type SamlChecked = {
  ok: true;
  issuer: string;
  assertionId: string;
  /** When the replay-cache entry may go: the earliest NotOnOrAfter, plus the skew. */
  replayUntil: Date;
};

export type SamlExpectations = {
  acsUrl: string;
  audience: string;
  /** The AuthnRequest ID this browser started with; null for an IdP-initiated response. */
  requestId: string | null;
  /** The connection accepts SHA-1 signatures and digests (an explicit, warned-about setting). */
  allowSha1?: boolean;
  now?: Date;
};

/**
 * A SAMLResponse decoded and parsed once (parseSamlResponse); the checks and the issuer lookup of
 * an IdP-initiated response all read it.
 */
export type SamlDocument = {
  /** The Response element; null when the XML has a DTD, cannot be parsed at all, or is not a SAML Response. */
  response: Element | null;
  /** False when the parser reported an error; it may still have recovered the document, enough to read the issuer. */
  wellFormed: boolean;
};

/** A base64 SAMLResponse decoded and parsed, or null when it is over the size cap (refused before decoding). */
export function parseSamlResponse(samlResponse: string): SamlDocument | null {
  // base64 is 4/3 of the bytes; refuse before decoding anything bigger than the cap allows.
  if (samlResponse.length > Math.ceil((SAML_RESPONSE_MAX_BYTES * 4) / 3) + 4) return null;
  const bytes = Buffer.from(samlResponse, 'base64');
  if (bytes.length > SAML_RESPONSE_MAX_BYTES) return null;
  const xml = bytes.toString('utf8');
  // No DTDs at all: no entity tricks, and nothing a SAML response legitimately needs.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return { response: null, wellFormed: false };
  let wellFormed = true;
  let root: Element | null;
  try {
    root = new DOMParser({
      onError: (level) => {
        if (level !== 'warning') wellFormed = false;
      },
    }).parseFromString(xml, 'text/xml').documentElement;
  } catch {
    return { response: null, wellFormed: false };
  }
  const isResponse = root?.namespaceURI === SAML_PROTOCOL_NS && root.localName === 'Response';
  return { response: isResponse ? root : null, wellFormed };
}

function children(parent: Element, ns: string, localName: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === localName) out.push(n as Element);
  }
  return out;
}

function time(value: string | null): number | null {
  if (!value) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

/** The Response's own Issuer, read only to find the connection of an IdP-initiated response. */
export function responseIssuer(document: SamlDocument): string | null {
  return (document.response && children(document.response, SAML_ASSERTION_NS, 'Issuer')[0]?.textContent?.trim()) || null;
}

/** Checks a parsed SAMLResponse (null: over the size cap) against what this sign-in expects. */
export function checkSamlResponse(
  document: SamlDocument | null,
  expect: SamlExpectations,
): SamlChecked | { ok: false; reason: SamlCheckFailure } {
  const fail = (reason: SamlCheckFailure) => ({ ok: false as const, reason });
  if (document === null) return fail('saml_too_large');
  const root = document.response;
  if (!root || !document.wellFormed) return fail('saml_malformed');
  const now = (expect.now ?? new Date()).getTime();

  // Exactly one assertion anywhere in the document, a direct child of the Response, and no
  // encrypted ones: a second (wrapped) assertion cannot hide next to the signed one.
  const all = root.getElementsByTagNameNS(SAML_ASSERTION_NS, 'Assertion');
  const encrypted = root.getElementsByTagNameNS(SAML_ASSERTION_NS, 'EncryptedAssertion');
  const direct = children(root, SAML_ASSERTION_NS, 'Assertion');
  if (all.length !== 1 || encrypted.length !== 0 || direct.length !== 1) return fail('saml_assertion_count');
  const assertion = direct[0]!;
  const assertionId = assertion.getAttribute('ID');
  const issuer =
    children(root, SAML_ASSERTION_NS, 'Issuer')[0]?.textContent?.trim() ||
    children(assertion, SAML_ASSERTION_NS, 'Issuer')[0]?.textContent?.trim();
  if (!assertionId || !issuer) return fail('saml_malformed');

  // SHA-1 anywhere in a signature of the document (its method or a reference's digest), unless the
  // connection allows it: Jackson's verification would accept it.
  if (!expect.allowSha1) {
    const algorithms = ['SignatureMethod', 'DigestMethod'].flatMap((name) =>
      Array.from(root.getElementsByTagNameNS(XMLDSIG_NS, name), (e) => e.getAttribute('Algorithm')?.trim() ?? ''),
    );
    if (algorithms.some((a) => SHA1_ALGORITHMS.has(a))) return fail('saml_sha1');
  }

  if (root.getAttribute('Destination') !== expect.acsUrl) return fail('saml_destination');

  // InResponseTo: the request this browser started, on the Response and on the confirmation;
  // an unsolicited (IdP-initiated) response carries none.
  const responseInResponseTo = root.getAttribute('InResponseTo') || null;

  // Conditions: exactly one, with NotOnOrAfter, and every Audience exactly our entity id.
  const conditions = children(assertion, SAML_ASSERTION_NS, 'Conditions');
  if (conditions.length !== 1) return fail('saml_expired');
  const c = conditions[0]!;
  const restrictions = children(c, SAML_ASSERTION_NS, 'AudienceRestriction');
  const audiences = restrictions.flatMap((r) => children(r, SAML_ASSERTION_NS, 'Audience').map((a) => a.textContent?.trim() ?? ''));
  if (
    restrictions.length === 0 ||
    restrictions.some((r) => children(r, SAML_ASSERTION_NS, 'Audience').length === 0) ||
    audiences.some((a) => a !== expect.audience)
  ) {
    return fail('saml_audience');
  }
  const conditionsEnd = time(c.getAttribute('NotOnOrAfter'));
  const conditionsStart = c.hasAttribute('NotBefore') ? time(c.getAttribute('NotBefore')) : now;
  if (conditionsEnd === null || conditionsStart === null) return fail('saml_expired');
  if (now >= conditionsEnd + SAML_CLOCK_SKEW_MS || now < conditionsStart - SAML_CLOCK_SKEW_MS) return fail('saml_expired');

  // The bearer confirmation: our ACS URL as Recipient, its own NotOnOrAfter, the same InResponseTo.
  const subject = children(assertion, SAML_ASSERTION_NS, 'Subject');
  if (subject.length !== 1) return fail('saml_malformed');
  const bearer = children(subject[0]!, SAML_ASSERTION_NS, 'SubjectConfirmation').filter((s) => s.getAttribute('Method') === BEARER);
  if (bearer.length !== 1) return fail('saml_recipient');
  const data = children(bearer[0]!, SAML_ASSERTION_NS, 'SubjectConfirmationData');
  if (data.length !== 1 || data[0]!.getAttribute('Recipient') !== expect.acsUrl) return fail('saml_recipient');
  const confirmationEnd = time(data[0]!.getAttribute('NotOnOrAfter'));
  if (confirmationEnd === null || now >= confirmationEnd + SAML_CLOCK_SKEW_MS) return fail('saml_expired');
  const confirmationStart = data[0]!.hasAttribute('NotBefore') ? time(data[0]!.getAttribute('NotBefore')) : now;
  if (confirmationStart === null || now < confirmationStart - SAML_CLOCK_SKEW_MS) return fail('saml_expired');

  const confirmationInResponseTo = data[0]!.getAttribute('InResponseTo') || null;
  if (expect.requestId === null) {
    if (responseInResponseTo || confirmationInResponseTo) return fail('saml_in_response_to');
  } else if (responseInResponseTo !== expect.requestId || confirmationInResponseTo !== expect.requestId) {
    return fail('saml_in_response_to');
  }

  return { ok: true, issuer, assertionId, replayUntil: new Date(Math.min(conditionsEnd, confirmationEnd) + SAML_CLOCK_SKEW_MS) };
}
