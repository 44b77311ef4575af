// "Disable logging for": a hidden parameter's value never reaches an audit row, a log or an error
// message. The audit row keeps `[hidden]` and an HMAC of the value under a key derived (HKDF) per
// organization from the encryption keyring, so an admin holding a candidate value can check it
// (`matchesHiddenParameter`) while nobody can read or brute-force it from the row alone.
import { createHmac, hkdfSync } from 'node:crypto';
import type { Keyring } from '@/lib/crypto/keyring';
import { safeEqual } from '@/lib/crypto/tokens';
import { currentKeyring } from '@/lib/keys/keyring';
import { toText } from './expressions';

export const HIDDEN = '[hidden]';
export type HiddenParameter = { value: typeof HIDDEN; hmac: string };

function digestKey(orgId: string, key: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.from(orgId), Buffer.from('gatehouse hidden query parameter v1'), 32));
}

function hmacOf(orgId: string, keyId: string, key: Buffer, value: unknown): string {
  return `hmac-sha256:${keyId}:${createHmac('sha256', digestKey(orgId, key)).update(toText(value)).digest('hex')}`;
}

/** What the audit row stores for a hidden value. */
export function hideParameter(orgId: string, value: unknown, keyring: Keyring = currentKeyring()): HiddenParameter {
  return { value: HIDDEN, hmac: hmacOf(orgId, keyring.primary.id, keyring.primary.key, value) };
}

/** Whether `candidate` (as text) is the value behind `hmac`; false when its key has left the keyring. */
export function matchesHiddenParameter(orgId: string, hmac: string, candidate: string, keyring: Keyring = currentKeyring()): boolean {
  const [scheme, keyId] = hmac.split(':');
  const key = keyId ? keyring.keys.get(keyId) : undefined;
  if (scheme !== 'hmac-sha256' || !key) return false;
  return safeEqual(hmacOf(orgId, keyId!, key, candidate), hmac);
}

/** Whether an expression reading `paths` touches a parameter listed in "disable logging for". */
export function isHiddenExpression(paths: readonly string[], disableLoggingFor: readonly string[]): boolean {
  return paths.some((p) => disableLoggingFor.some((e) => p === e || p.startsWith(`${e}.`) || e.startsWith(`${p}.`)));
}

/** Every text form of a value that could show up in a message: itself, its JSON, its string leaves. */
export function textForms(value: unknown): string[] {
  const out = new Set<string>([toText(value)]);
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.add(v);
    else if (typeof v === 'number' || typeof v === 'boolean') out.add(String(v));
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  // As they would appear in a URL or a JSON body too.
  for (const s of [...out]) out.add(encodeURIComponent(s)).add(JSON.stringify(s));
  return [...out].filter((s) => s !== '');
}
