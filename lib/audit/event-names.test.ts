// The audit event catalogue against its page (docs/audit-events.md) and against the naming rule of
// decision 0029: the page lists exactly the action types the code can write, each with every
// metadata field, and a new action type is verb first unless it is added below on purpose.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { auditActionTypes, auditEventInput, SINK_TEST_ACTION_TYPE } from './events';

const root = path.resolve(__dirname, '..', '..');
const page = fs.readFileSync(path.join(root, 'docs', 'audit-events.md'), 'utf8');

/** The page's rows: `| \`ACTION_TYPE\` | when it is written | metadata |`. */
const rows = page
  .split('\n')
  .map((line) => /^\|\s*`([A-Z0-9_]+)`\s*\|(.*)\|\s*$/.exec(line))
  .filter((m) => m !== null)
  .map((m) => ({ actionType: m[1]!, cells: m[2]!.split('|').map((c) => c.trim()) }));

const written = [...auditActionTypes, SINK_TEST_ACTION_TYPE];

/** Top-level metadata fields of one action type (every branch of a union, as LOGIN_FAILED has). */
function metadataFields(schema: z.ZodType): string[] {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (schema instanceof z.ZodUnion) return [...new Set((schema.options as z.ZodType[]).flatMap(metadataFields))];
  throw new Error('metadata is neither an object nor a union of objects');
}

/** Every action type named in an `actionType:` line of the product's code. */
function actionTypesInCode(): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.tsx?$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) {
        for (const line of fs.readFileSync(full, 'utf8').split('\n')) {
          if (!line.includes('actionType:')) continue;
          for (const m of line.matchAll(/'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g)) found.add(m[1]!);
        }
      }
    }
  };
  for (const dir of ['app', 'lib', 'components', 'db']) if (fs.existsSync(path.join(root, dir))) walk(path.join(root, dir));
  return found;
}

describe('docs/audit-events.md', () => {
  it('lists every action type the code writes, once, and nothing else', () => {
    const listed = rows.map((r) => r.actionType);
    expect(
      listed.filter((t, i) => listed.indexOf(t) !== i),
      'listed twice',
    ).toEqual([]);
    expect(
      written.filter((t) => !listed.includes(t)),
      'in the code, missing from the page',
    ).toEqual([]);
    expect(
      listed.filter((t) => !written.includes(t)),
      'on the page, not in the code',
    ).toEqual([]);
  });

  it('names every metadata field of each action type on its line', () => {
    const missing: string[] = [];
    for (const option of auditEventInput.options) {
      const actionType = option.shape.actionType.value;
      const metadataCell = rows.find((r) => r.actionType === actionType)?.cells.at(-1) ?? '';
      for (const field of metadataFields(option.shape.metadata)) {
        if (!metadataCell.includes(`\`${field}\``)) missing.push(`${actionType}.${field}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('gives each row a when and a metadata cell', () => {
    for (const r of rows)
      expect(
        r.cells.filter((c) => c.length > 0),
        r.actionType,
      ).toHaveLength(2);
  });

  it('covers every action type literal in the code, including any written outside record()', () => {
    expect([...actionTypesInCode()].filter((t) => !written.includes(t))).toEqual([]);
  });
});

// Decision 0029: VERB_OBJECT, imperative verb first, optionally ending in _FAILED for a refused
// attempt. A word joins this list when a new event needs it; it must be a verb.
const VERBS = new Set(
  (
    'ADD APPLY APPROVE ARCHIVE BLOCK CANCEL CONFIRM CREATE DELETE DENY DISABLE DOWNLOAD ENABLE ENFORCE ENROLL EXPORT GRANT ' +
    'IMPORT INVITE LINK LOGIN LOGOUT MOVE PAUSE PREVIEW PURGE REDEEM REGENERATE REJECT RELEASE REMOVE RENAME REQUEST RESET ' +
    'RESTORE RESUME REVEAL REVOKE ROTATE RUN SAVE SEND SET SIGN START TEST UNLINK UPDATE USE VERIFY VIEW'
  ).split(' '),
);

/** Retool's own identifiers, kept exactly as Retool writes them so that customers' queries match. */
const RETOOL_IDENTIFIERS = ['QUERY_RUN', 'ACCESS_TOKEN_CREATED', 'ACCESS_TOKEN_REVOKED'];

/**
 * Gatehouse's own names from before decision 0029, noun first. They are in stored rows, inside the
 * chain's hashes, in signed checkpoints and in every sink's copy, so they are never renamed. Closed:
 * nothing is added here.
 */
const NAMED_BEFORE_0029 = [
  'TWO_FACTOR_CHALLENGE_STARTED',
  'TWO_FACTOR_ENROLLMENT_STARTED',
  'RECOVERY_CODE_USED',
  'RECOVERY_CODES_REGENERATED',
  'TWO_FACTOR_REQUIREMENT_UPDATED',
  'GOOGLE_SIGN_IN_UPDATED',
  'GOOGLE_JIT_USER_CREATED',
  'SSO_ENFORCED',
  'BREAK_GLASS_ADMIN_UPDATED',
  'SCIM_DIRECTORY_CREATED',
  'SCIM_TOKEN_ROTATED',
  'SCIM_DIRECTORY_PAUSED',
  'SCIM_DIRECTORY_RESUMED',
  'SCIM_DIRECTORY_DELETED',
  'AUDIT_SINK_CREATED',
  'AUDIT_SINK_ENABLED',
  'AUDIT_SINK_DISABLED',
  'AUDIT_SINK_DELETED',
  'AUDIT_SINK_TESTED',
  'AUDIT_SINK_TEST',
  'AUDIT_CHECKPOINT',
  'AUDIT_EVENTS_PURGED',
  'AUDIT_RETENTION_UPDATED',
  'ENCRYPTION_KEY_ROTATED',
  'SSO_CONNECTION_CREATED',
  'SSO_CONNECTION_UPDATED',
  'SSO_CONNECTION_TESTED',
  'SSO_CONNECTION_DELETED',
  'SSO_JIT_USER_CREATED',
  'SSO_GROUP_MAPPING_APPLIED',
  'APP_DRAFT_SAVED',
  'APP_RELEASED',
  'QUERY_SPOOFING_PREVENTION_UPDATED',
  'QUERY_SPOOF_BLOCKED',
];

const followsRule = (t: string) => /^[A-Z]+(_[A-Z0-9]+)*$/.test(t) && VERBS.has(t.split('_')[0]!);

describe('action type names (decision 0029)', () => {
  it('are verb first, unless Retool named them or they predate the rule', () => {
    const exempt = new Set([...RETOOL_IDENTIFIERS, ...NAMED_BEFORE_0029]);
    expect(written.filter((t) => !followsRule(t) && !exempt.has(t))).toEqual([]);
  });

  it('keep the exception lists to names that exist and need them', () => {
    for (const t of [...RETOOL_IDENTIFIERS, ...NAMED_BEFORE_0029]) {
      expect(written, t).toContain(t);
      expect(followsRule(t), t).toBe(false);
    }
  });

  it('recognise the forms the rule allows and refuse the one it replaces', () => {
    expect(['CREATE_USER', 'ADD_USERS_TO_GROUP', 'LOGIN', 'LOGIN_FAILED', 'ROTATE_SCIM_TOKEN'].every(followsRule)).toBe(true);
    expect(['SSO_CONNECTION_CREATED', 'USER_CREATED', 'create_user'].some(followsRule)).toBe(false);
  });
});
