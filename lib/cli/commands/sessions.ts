// gatehouse session list · revoke · limits — a user's sessions and the organization's session
// limits, through the same lib/ functions as the users and settings pages and the public API.
import { getOrganizationSettings } from '@/lib/orgs/reads';
import { runMutation } from '@/lib/server/mutation';
import { formatMinutes, sessionLimitMinutes, sessionLimitsFormInput, type SessionLimitMinutes } from '@/lib/sessions/limits';
import { listActiveSessions } from '@/lib/sessions/reads';
import { revokeAllUserSessions, updateSessionLimits } from '@/lib/sessions/writes';
import { defineCommand } from '../command';
import { cliInit, orgBySlug, parseWith, userByEmailOrId } from '../operator';

const org = { type: 'string', required: true, value: '<slug>', help: 'Organization' } as const;
const user = { type: 'string', required: true, value: '<email|id>', help: 'The user, by email or id' } as const;

export const sessionList = defineCommand({
  name: 'session list',
  summary: "List a user's live sessions, most recently active first.",
  flags: { org, user },
  async run(o) {
    const organization = await orgBySlug(o.org);
    const who = await userByEmailOrId(organization, o.user);
    const sessions = await listActiveSessions(organization.id, who.id);
    const lines = sessions.map((s) =>
      [
        s.id,
        `${s.authMethod}${s.secondFactor ? `+${s.secondFactor}` : ''}`.padEnd(22),
        `signed in ${s.createdAt.toISOString()}`,
        `last seen ${s.lastSeenAt.toISOString()}`,
        s.ipAddress ?? 'unknown IP',
        s.userAgent ?? '',
      ]
        .join('  ')
        .trimEnd(),
    );
    return { json: { userId: who.id, sessions }, text: lines.join('\n') || `${who.email} has no live sessions.` };
  },
});

export const sessionRevoke = defineCommand({
  name: 'session revoke',
  summary: 'Sign a user out everywhere: revoke every session of theirs.',
  details:
    'Every session not yet revoked ends, idle or expired ones included, in one audited change (REVOKE_USER_SESSIONS). API tokens stay; "user disable" revokes both.',
  flags: { org, user },
  async run(o) {
    const organization = await orgBySlug(o.org);
    const who = await userByEmailOrId(organization, o.user);
    const { sessionsRevoked } = await runMutation(cliInit(organization.id), (ctx) => revokeAllUserSessions(ctx, { userId: who.id }));
    return {
      json: { userId: who.id, sessionsRevoked },
      text: sessionsRevoked ? `Revoked ${sessionsRevoked} session(s) of ${who.email}.` : `${who.email} had no sessions to revoke.`,
    };
  },
});

const describe = (l: SessionLimitMinutes) => `idle ${formatMinutes(l.idleMinutes)}, absolute ${formatMinutes(l.absoluteMinutes)}`;

export const sessionLimits = defineCommand({
  name: 'session limits',
  summary: "Show the organization's session limits, or change them with --idle and --absolute.",
  details:
    'Durations like 30m, 8h or 14d. Idle: 5 minutes to 30 days without a request; absolute: up to 90 days after sign-in, at least the idle limit. A change applies at the next request of every live session (UPDATE_SESSION_LIMITS).',
  flags: {
    org,
    idle: { type: 'string', value: '<duration>', help: 'End a session after this long without a request', field: 'idleMinutes' },
    absolute: { type: 'string', value: '<duration>', help: 'End a session this long after sign-in', field: 'absoluteMinutes' },
  },
  async run(o) {
    const organization = await orgBySlug(o.org);
    if (o.idle === undefined && o.absolute === undefined) {
      const limits = sessionLimitMinutes(await getOrganizationSettings(organization.id));
      return { json: limits, text: `${organization.slug}: ${describe(limits)}.` };
    }
    const input = parseWith(sessionLimitsFormInput.partial(), { idleMinutes: o.idle, absoluteMinutes: o.absolute });
    const limits = await runMutation(cliInit(organization.id), (ctx) => updateSessionLimits(ctx, input));
    return { json: limits, text: `${organization.slug}: ${describe(limits)} from each session's next request.` };
  },
});
