// The catalogue of audit events: one strict schema per actionType, in Retool's SCREAMING_SNAKE
// vocabulary. Strict objects, so nothing unlisted (a password, a token) can ride along.
import { z } from 'zod';

const id = z.uuid();
const method = z.enum(['password']);

export const auditEventInput = z.discriminatedUnion('actionType', [
  z.strictObject({
    actionType: z.literal('CREATE_ORGANIZATION'),
    metadata: z.strictObject({ name: z.string(), slug: z.string(), via: z.enum(['setup', 'signup', 'cli']) }),
  }),
  z.strictObject({
    actionType: z.literal('SIGN_UP'),
    metadata: z.strictObject({ email: z.string(), via: z.enum(['setup', 'signup', 'cli']) }),
  }),
  z.strictObject({
    actionType: z.literal('CREATE_USER'),
    metadata: z.strictObject({ targetUserId: id, email: z.string(), groups: z.array(z.string()) }),
  }),
  z.strictObject({
    actionType: z.literal('LOGIN'),
    metadata: z.strictObject({ method, sessionId: id }),
  }),
  z.strictObject({
    actionType: z.literal('LOGIN_FAILED'),
    metadata: z.strictObject({
      method,
      email: z.string(),
      /** For admins only; the person signing in always sees the same message. */
      reason: z.enum(['unknown_user', 'wrong_password', 'no_password', 'user_disabled', 'rate_limited']),
      retryAfterSeconds: z.number().int().optional(),
    }),
  }),
  z.strictObject({
    actionType: z.literal('LOGOUT'),
    metadata: z.strictObject({ sessionId: id }),
  }),
  z.strictObject({
    actionType: z.literal('REVOKE_SESSION'),
    metadata: z.strictObject({ sessionId: id, targetUserId: id }),
  }),
]);

export type AuditEventInput = z.infer<typeof auditEventInput>;
export type AuditActionType = AuditEventInput['actionType'];
export const auditActionTypes = auditEventInput.options.map((o) => o.shape.actionType.value);
