// Sessions through the public API: the organization's session limits, and a user's sessions (list,
// sign out everywhere, revoke one), through the same lib/ functions as the settings and user pages.
import { z } from 'zod';
import { getOrganizationSettings } from '@/lib/orgs/reads';
import { sessionLimitMinutes, sessionLimitsInput } from '@/lib/sessions/limits';
import { listActiveSessions } from '@/lib/sessions/reads';
import { revokeAllUserSessions, revokeUserSession, updateSessionLimits } from '@/lib/sessions/writes';
import { getUser } from '@/lib/users/reads';
import { idParam, operation } from '../operation';
import { empty, isoDate } from '../schemas';
import { found, requireRead } from './helpers';

const settings = { kind: 'org', area: 'settings' } as const;
const users = { kind: 'org', area: 'users' } as const;
const userParams = idParam('userId');

const sessionLimitsDto = z
  .object({
    idleMinutes: z.number().int().describe('A session ends after this many minutes without a request (5 minutes to 30 days).'),
    absoluteMinutes: z.number().int().describe('A session ends this many minutes after sign-in, however active (up to 90 days).'),
  })
  .meta({ id: 'SessionLimits' });

const sessionDto = z
  .object({
    id: z.uuid(),
    authMethod: z.enum(['password', 'sso', 'google']).describe('How the user signed in'),
    secondFactor: z.enum(['totp', 'recovery_code']).nullable().describe('The second factor passed at sign-in, if any'),
    ipAddress: z.string().nullable(),
    userAgent: z.string().nullable(),
    createdAt: isoDate,
    lastSeenAt: isoDate.describe('Its last request, to within a minute'),
  })
  .meta({ id: 'Session' });

export const getSessionLimitsOp = operation({
  id: 'getSessionLimits',
  method: 'GET',
  path: '/settings/sessions',
  tag: 'Settings',
  summary: 'The organization’s session limits',
  scope: 'settings:read',
  response: sessionLimitsDto,
  async handler(ctx) {
    await requireRead(ctx, 'manage', settings);
    return sessionLimitMinutes(await getOrganizationSettings(ctx.orgId));
  },
});

export const updateSessionLimitsOp = operation({
  id: 'updateSessionLimits',
  method: 'PATCH',
  path: '/settings/sessions',
  tag: 'Settings',
  summary: 'Change the session limits; they apply at the next request of every live session',
  scope: 'settings:write',
  body: sessionLimitsInput,
  response: sessionLimitsDto,
  handler: (ctx, { body }) => ctx.mutate((m) => updateSessionLimits(m, body)),
});

export const listUserSessionsOp = operation({
  id: 'listUserSessions',
  method: 'GET',
  path: '/users/{userId}/sessions',
  tag: 'Users',
  summary: 'A user’s live sessions, most recently active first',
  scope: 'users:read',
  params: userParams,
  response: z.object({ data: z.array(sessionDto) }),
  async handler(ctx, { params }) {
    await requireRead(ctx, 'manage', users);
    found(await getUser(ctx.orgId, params.userId), 'user');
    return { data: await listActiveSessions(ctx.orgId, params.userId) };
  },
});

export const revokeUserSessionsOp = operation({
  id: 'revokeUserSessions',
  method: 'DELETE',
  path: '/users/{userId}/sessions',
  tag: 'Users',
  summary: 'Sign a user out everywhere: every session of theirs ends at its next request (API tokens stay)',
  scope: 'users:write',
  params: userParams,
  response: z.object({ sessionsRevoked: z.number().int() }).meta({ id: 'SessionsRevoked' }),
  handler: (ctx, { params }) => ctx.mutate((m) => revokeAllUserSessions(m, { userId: params.userId })),
});

export const revokeUserSessionOp = operation({
  id: 'revokeUserSession',
  method: 'DELETE',
  path: '/users/{userId}/sessions/{sessionId}',
  tag: 'Users',
  summary: 'End one of a user’s sessions',
  scope: 'users:write',
  status: 204,
  params: z.object({ userId: z.uuid(), sessionId: z.uuid() }),
  response: empty,
  async handler(ctx, { params }) {
    await ctx.mutate((m) => revokeUserSession(m, params));
    return null;
  },
});
