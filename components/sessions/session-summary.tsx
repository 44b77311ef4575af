import type { SessionListItem } from '@/lib/sessions/reads';

const time = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** "Chrome on macOS" from a user agent, or its first 60 characters. */
export function describeAgent(ua: string | null): string {
  if (!ua) return 'Unknown device';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Chrome\//.test(ua)
      ? 'Chrome'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /Safari\//.test(ua)
          ? 'Safari'
          : null;
  const os = /Windows/.test(ua)
    ? 'Windows'
    : /Mac OS X/.test(ua)
      ? 'macOS'
      : /Android/.test(ua)
        ? 'Android'
        : /iPhone|iPad/.test(ua)
          ? 'iOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : null;
  return [browser, os].filter(Boolean).join(' on ') || ua.slice(0, 60);
}

const METHODS = { password: 'password', sso: 'single sign-on', google: 'Google' } as const;
const FACTORS = { totp: 'authenticator code', recovery_code: 'recovery code' } as const;

/** How the session signed in: "password and authenticator code", "single sign-on". */
export function describeSignIn(s: Pick<SessionListItem, 'authMethod' | 'secondFactor'>): string {
  return s.secondFactor ? `${METHODS[s.authMethod]} and ${FACTORS[s.secondFactor]}` : METHODS[s.authMethod];
}

/** One session as the account and user pages list it: device, then address, sign-in and last activity. */
export function SessionSummary({ session: s, current }: { session: SessionListItem; current: boolean }) {
  return (
    <div className="min-w-0 text-sm">
      <p className="font-medium">
        {describeAgent(s.userAgent)}
        {current ? <span className="ml-2 rounded bg-green-100 px-1.5 py-0.5 text-xs font-medium text-green-800">This session</span> : null}
      </p>
      <p className="text-xs text-slate-500">
        {s.ipAddress ?? 'Unknown IP'} · signed in {time.format(s.createdAt)} UTC with {describeSignIn(s)} · last active{' '}
        {time.format(s.lastSeenAt)} UTC
      </p>
    </div>
  );
}
