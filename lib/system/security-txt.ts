// /.well-known/security.txt (RFC 9116): where to report a vulnerability in this deployment.

const DAY = 86_400_000;
/** RFC 9116 §2.5.5 recommends an Expires less than a year ahead. */
const VALID_DAYS = 180;

/**
 * The file for `contacts` (already RFC 9116 Contact URIs). Expires is VALID_DAYS after the start
 * of `now`'s UTC day, so the text changes once a day; Canonical is given when the public base URL is.
 */
export function securityTxt(contacts: readonly string[], now: Date, baseUrl: string | null): string {
  const expires = new Date(Math.floor(now.getTime() / DAY) * DAY + VALID_DAYS * DAY);
  const lines = contacts.map((c) => `Contact: ${c}`);
  lines.push(`Expires: ${expires.toISOString().replace('.000Z', 'Z')}`, 'Preferred-Languages: en');
  if (baseUrl) lines.push(`Canonical: ${baseUrl.replace(/\/+$/, '')}/.well-known/security.txt`);
  return `${lines.join('\n')}\n`;
}
