import { z } from 'zod';
import { emailInput } from '@/lib/users/inputs';
import type { MutationCtx } from '@/lib/server/mutation';
import { inviteUser } from '@/lib/users/invites';
import { getUser, listUsers } from '@/lib/users/reads';
import { disableUser, enableUser, updateUserProfile } from '@/lib/users/writes';
import { idParam, operation, type ApiCtx } from '../operation';
import { cursorPage, cursorParam, encodeCursor, isoDate, limitParam, meDto, userDto } from '../schemas';
import { found, getByIdOperation, requireRead } from './helpers';

const users = { kind: 'org', area: 'users' } as const;
const userParams = idParam('userId');

export const getMe = operation({
  id: 'getMe',
  method: 'GET',
  path: '/me',
  tag: 'Identity',
  summary: 'The token, its organization, and the user it acts as (any scope)',
  scope: null,
  response: meDto,
  async handler(ctx) {
    const user = ctx.principal.userId ? await getUser(ctx.orgId, ctx.principal.userId) : null;
    return {
      token: { id: ctx.principal.tokenId, scopes: ctx.principal.scopes },
      organization: { id: ctx.orgId, slug: ctx.principal.orgSlug },
      user: user ? { id: user.id, email: user.email, name: user.name } : null,
    };
  },
});

export const listUsersOp = operation({
  id: 'listUsers',
  method: 'GET',
  path: '/users',
  tag: 'Users',
  summary: 'List users, by email',
  scope: 'users:read',
  query: z.object({
    q: z.string().max(200).optional().describe('Search name and email'),
    status: z.enum(['active', 'disabled']).optional(),
    groupId: z.uuid().optional(),
    limit: limitParam,
    cursor: cursorParam(z.object({ email: z.string(), id: z.uuid() })).optional(),
  }),
  response: cursorPage(userDto),
  async handler(ctx, { query }) {
    await requireRead(ctx, 'manage', users);
    const rows = await listUsers(
      ctx.orgId,
      { q: query.q, status: query.status, groupId: query.groupId },
      {
        limit: query.limit + 1,
        after: query.cursor,
      },
      undefined,
    );
    const data = rows.slice(0, query.limit);
    const last = data.at(-1);
    return { data, nextCursor: rows.length > query.limit && last ? encodeCursor({ email: last.email, id: last.id }) : null };
  },
});

export const getUserOp = getByIdOperation('users', 'user', userDto, getUser);

export const inviteUserOp = operation({
  id: 'inviteUser',
  method: 'POST',
  path: '/users',
  tag: 'Users',
  summary: 'Invite a user; returns the single-use link (valid 7 days)',
  scope: 'users:write',
  status: 201,
  body: z.object({ email: emailInput, groupIds: z.array(z.uuid()).max(50).default([]) }),
  response: z.object({ inviteId: z.uuid(), email: z.string(), invitePath: z.string(), expiresAt: isoDate }).meta({ id: 'Invitation' }),
  async handler(ctx, { body }) {
    const invite = await ctx.mutate((m) => inviteUser(m, body));
    return { inviteId: invite.inviteId, email: invite.email, invitePath: invite.path, expiresAt: invite.expiresAt };
  },
});

/** Runs a change to one user as the token, and answers with the user as it is now. */
async function changeUser(ctx: ApiCtx, userId: string, write: (m: MutationCtx) => Promise<unknown>) {
  await ctx.mutate(write);
  return found(await getUser(ctx.orgId, userId), 'user');
}

export const updateUserOp = operation({
  id: 'updateUser',
  method: 'PATCH',
  path: '/users/{userId}',
  tag: 'Users',
  summary: 'Change a user’s name',
  scope: 'users:write',
  params: userParams,
  body: z.object({ firstName: z.string().trim().min(1).max(100).optional(), lastName: z.string().trim().max(100).optional() }).strict(),
  response: userDto,
  handler: (ctx, { params, body }) => changeUser(ctx, params.userId, (m) => updateUserProfile(m, { userId: params.userId, ...body })),
});

/** POST /users/{userId}/disable and /enable: the same operation but for the write. */
function userStatusOperation(
  verb: 'disable' | 'enable',
  summary: string,
  write: (m: MutationCtx, input: { userId: string }) => Promise<unknown>,
) {
  return operation({
    id: `${verb}User`,
    method: 'POST',
    path: `/users/{userId}/${verb}`,
    tag: 'Users',
    summary,
    scope: 'users:write',
    params: userParams,
    response: userDto,
    handler: (ctx, { params }) => changeUser(ctx, params.userId, (m) => write(m, { userId: params.userId })),
  });
}

export const disableUserOp = userStatusOperation(
  'disable',
  'Disable a user; their sessions and API tokens stop working at once',
  disableUser,
);
export const enableUserOp = userStatusOperation('enable', 'Enable a disabled user', enableUser);
