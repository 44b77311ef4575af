// The ID of the AuthnRequest Jackson put in the IdP redirect (HTTP-Redirect binding: deflated,
// base64, in the SAMLRequest parameter).
import { promisify } from 'node:util';
import { inflateRaw } from 'node:zlib';
import { DOMParser } from '@xmldom/xmldom';

const inflate = promisify(inflateRaw);

export async function samlRequestIdOf(redirectUrl: string): Promise<string> {
  const encoded = new URL(redirectUrl).searchParams.get('SAMLRequest');
  if (!encoded) throw new Error('Jackson’s SAML redirect carries no SAMLRequest.');
  const xml = (await inflate(Buffer.from(encoded, 'base64'))).toString('utf8');
  const id = new DOMParser().parseFromString(xml, 'text/xml').documentElement?.getAttribute('ID');
  if (!id) throw new Error('Jackson’s SAMLRequest has no ID.');
  return id;
}
