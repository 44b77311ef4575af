// OIDC connections, one per organization: our row (what Gatehouse decides with) and Jackson's
// copy (what runs the protocol, holding the client secret) change in one transaction.
import { and, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { getDb, type DbOrTx } from '@/db';
import { organizations, permissionGroups, ssoConnections, ssoGroupMappings, type SsoConnection } from '@/db/schema';
import { record } from '@/lib/audit/record';
import { authorize } from '@/lib/authz/authorize';
import { AppError } from '@/lib/errors';
import { type MutationCtx, orgOf } from '@/lib/server/mutation';
import { externalUrl, startedJackson, OIDC_CALLBACK_PATH, SSO_COMPLETE_PATH, SSO_PRODUCT } from './jackson';
import { withJacksonTx } from './jackson-store';
import type { saveSsoConnectionInput } from './inputs';

export type ClaimSource = SsoConnection['emailClaimSource'];

export type SsoConnectionView = {
  id: string;
  type: 'oidc' | 'saml';
  discoveryUrl: string;
  clientId: string;
  emailClaim: string;
  nameClaim: string;
  groupsClaim: string;
  emailClaimSource: ClaimSource;
  groupsClaimSource: ClaimSource;
  jitEnabled: boolean;
  defaultGroupId: string | null;
  groupMappings: { idpGroup: string; groupId: string; groupName: string }[];
  /** SAML only. */
  samlIdpEntityId: string | null;
  samlMetadataUrl: string | null;
  samlIdpInitiated: boolean;
  samlAllowSha1: boolean;
};

/** The redirect URL to register at the identity provider. */
export function oidcRedirectUrl(): string {
  return externalUrl() + OIDC_CALLBACK_PATH;
}

export async function findSsoConnection(orgId: string, db: DbOrTx = getDb()): Promise<SsoConnection | null> {
  const [row] = await db.select().from(ssoConnections).where(eq(ssoConnections.organizationId, orgId));
  return row ?? null;
}

/** The organization's connection for the settings page; the client secret never leaves Jackson. */
export async function getSsoConnection(orgId: string, db: DbOrTx = getDb()): Promise<SsoConnectionView | null> {
  const row = await findSsoConnection(orgId, db);
  if (!row) return null;
  const mappings = await db
    .select({ idpGroup: ssoGroupMappings.idpGroup, groupId: ssoGroupMappings.groupId, groupName: permissionGroups.name })
    .from(ssoGroupMappings)
    .innerJoin(permissionGroups, eq(permissionGroups.id, ssoGroupMappings.groupId))
    .where(and(eq(ssoGroupMappings.connectionId, row.id), eq(ssoGroupMappings.organizationId, orgId)))
    .orderBy(ssoGroupMappings.idpGroup, permissionGroups.name);
  return {
    id: row.id,
    type: row.type,
    discoveryUrl: row.discoveryUrl ?? '',
    clientId: row.clientId ?? '',
    emailClaim: row.emailClaim,
    nameClaim: row.nameClaim,
    groupsClaim: row.groupsClaim,
    emailClaimSource: row.emailClaimSource,
    groupsClaimSource: row.groupsClaimSource,
    jitEnabled: row.jitEnabled,
    defaultGroupId: row.defaultGroupId,
    groupMappings: mappings,
    samlIdpEntityId: row.samlIdpEntityId,
    samlMetadataUrl: row.samlMetadataUrl,
    samlIdpInitiated: row.samlIdpInitiated,
    samlAllowSha1: row.samlAllowSha1,
  };
}

/** Whether the organization's sign-in page offers "Sign in with SSO". */
export async function organizationHasSso(orgId: string, db: DbOrTx = getDb()): Promise<boolean> {
  return (await findSsoConnection(orgId, db)) !== null;
}

export type Settings = {
  type?: 'oidc' | 'saml';
  discoveryUrl?: string;
  clientId?: string;
  samlIdpEntityId?: string;
  samlMetadataUrl?: string | null;
  samlIdpInitiated?: boolean;
  samlAllowSha1?: boolean;
  emailClaim: string;
  nameClaim: string;
  groupsClaim: string;
  emailClaimSource?: ClaimSource;
  groupsClaimSource?: ClaimSource;
  jitEnabled: boolean;
  defaultGroupId: string | null;
  groupMappings: { idpGroup: string; groupId: string }[];
};

async function groupIdsByName(ctx: MutationCtx, orgId: string, names: string[]): Promise<Map<string, string>> {
  const rows = await ctx.tx
    .select({ id: permissionGroups.id, name: permissionGroups.name })
    .from(permissionGroups)
    .where(eq(permissionGroups.organizationId, orgId));
  const byName = new Map(rows.map((r) => [r.name.toLowerCase(), r.id]));
  const missing = names.filter((n) => !byName.has(n.toLowerCase()));
  if (missing.length) throw AppError.field('groupMappings', `No permission group is named ${missing.map((n) => `"${n}"`).join(', ')}.`);
  return byName;
}

async function jacksonSecret(jacksonClientId: string): Promise<string | null> {
  const jackson = startedJackson();
  const [existing] = await jackson.connectionAPIController.getConnections({ clientID: jacksonClientId });
  return existing && 'oidcProvider' in existing ? (existing.oidcProvider?.clientSecret ?? null) : null;
}

export async function deleteJacksonConnection(jacksonClientId: string): Promise<void> {
  const jackson = startedJackson();
  const [existing] = await jackson.connectionAPIController.getConnections({ clientID: jacksonClientId });
  if (existing)
    await jackson.connectionAPIController.deleteConnections({ clientID: existing.clientID, clientSecret: existing.clientSecret });
}

/** Checks the default group (never Admin) and resolves "IdP value => group name" mappings to ids. */
export async function resolveGroupSettings(
  ctx: MutationCtx,
  orgId: string,
  input: { defaultGroupId: string | null; groupMappings: { idpGroup: string; groupName: string }[] },
): Promise<{ idpGroup: string; groupId: string }[]> {
  const byName = await groupIdsByName(
    ctx,
    orgId,
    input.groupMappings.map((m) => m.groupName),
  );
  if (input.defaultGroupId) {
    const [g] = await ctx.tx
      .select({ builtin: permissionGroups.builtin })
      .from(permissionGroups)
      .where(and(eq(permissionGroups.id, input.defaultGroupId), eq(permissionGroups.organizationId, orgId)));
    if (!g) throw AppError.field('defaultGroupId', 'No such group.', 'not_found');
    if (g.builtin === 'admin') throw AppError.field('defaultGroupId', 'New users cannot become admins by default. Choose another group.');
  }
  return [
    ...new Map(
      input.groupMappings.map((m) => [
        `${m.idpGroup}\u0000${byName.get(m.groupName.toLowerCase())}`,
        { idpGroup: m.idpGroup, groupId: byName.get(m.groupName.toLowerCase())! },
      ]),
    ).values(),
  ];
}

/**
 * Creates or updates the organization's OIDC connection (admins; SSO_CONNECTION_CREATED or
 * _UPDATED). A blank client secret on an update keeps the stored one.
 */
export async function saveSsoConnection(ctx: MutationCtx, input: z.output<typeof saveSsoConnectionInput>): Promise<{ id: string }> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  const existing = await findSsoConnection(orgId, ctx.tx);
  if (!existing && !input.clientSecret) throw AppError.field('clientSecret', 'Enter the client secret your identity provider gave you.');
  const mappings = await resolveGroupSettings(ctx, orgId, input);

  const secret = input.clientSecret || (existing ? await withJacksonTx(ctx.tx, () => jacksonSecret(existing.jacksonClientId)) : null);
  if (!secret) throw AppError.field('clientSecret', 'The stored client secret is missing. Enter it again.');
  const jackson = startedJackson();
  const complete = externalUrl() + SSO_COMPLETE_PATH;
  const created = await withJacksonTx(ctx.tx, async () => {
    if (existing) await deleteJacksonConnection(existing.jacksonClientId);
    return jackson.connectionAPIController.createOIDCConnection({
      tenant: orgId,
      product: SSO_PRODUCT,
      name: 'OIDC',
      redirectUrl: [complete],
      defaultRedirectUrl: complete,
      oidcDiscoveryUrl: input.discoveryUrl,
      oidcClientId: input.clientId,
      oidcClientSecret: secret,
    } as Parameters<typeof jackson.connectionAPIController.createOIDCConnection>[0]);
  });

  const values = {
    jacksonClientId: created.clientID,
    type: 'oidc' as const,
    samlIdpEntityId: null,
    samlMetadataUrl: null,
    samlIdpInitiated: false,
    samlAllowSha1: false,
    discoveryUrl: input.discoveryUrl,
    clientId: input.clientId,
    emailClaim: input.emailClaim,
    nameClaim: input.nameClaim,
    groupsClaim: input.groupsClaim,
    emailClaimSource: input.emailClaimSource,
    groupsClaimSource: input.groupsClaimSource,
    jitEnabled: input.jitEnabled,
    defaultGroupId: input.defaultGroupId,
  };
  const after = settingsOf(values, mappings);
  let id: string;
  if (existing) {
    id = existing.id;
    const before = await currentSettings(ctx, existing);
    await ctx.tx
      .update(ssoConnections)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(ssoConnections.id, id));
    await ctx.tx.delete(ssoGroupMappings).where(eq(ssoGroupMappings.connectionId, id));
    await insertMappings(ctx, orgId, id, mappings);
    await record(ctx, {
      actionType: 'SSO_CONNECTION_UPDATED',
      metadata: { connectionId: id, before, after: { ...after, secretChanged: Boolean(input.clientSecret) } },
    });
  } else {
    const [row] = await ctx.tx
      .insert(ssoConnections)
      .values({ organizationId: orgId, ...values })
      .returning({ id: ssoConnections.id });
    id = row!.id;
    await insertMappings(ctx, orgId, id, mappings);
    await record(ctx, { actionType: 'SSO_CONNECTION_CREATED', metadata: { connectionId: id, after } });
  }
  return { id };
}

export async function insertMappings(
  ctx: MutationCtx,
  orgId: string,
  connectionId: string,
  mappings: { idpGroup: string; groupId: string }[],
) {
  if (mappings.length) await ctx.tx.insert(ssoGroupMappings).values(mappings.map((m) => ({ ...m, organizationId: orgId, connectionId })));
}

type SettingsRow = Pick<
  SsoConnection,
  | 'type'
  | 'discoveryUrl'
  | 'clientId'
  | 'samlIdpEntityId'
  | 'samlMetadataUrl'
  | 'samlIdpInitiated'
  | 'samlAllowSha1'
  | 'emailClaim'
  | 'nameClaim'
  | 'groupsClaim'
  | 'jitEnabled'
  | 'defaultGroupId'
> &
  Partial<Pick<SsoConnection, 'emailClaimSource' | 'groupsClaimSource'>>;

/** The audit snapshot of a connection row (before, or the values about to be written as after). */
export function settingsOf(row: SettingsRow, groupMappings: { idpGroup: string; groupId: string }[]): Settings {
  const protocol: Partial<Settings> =
    row.type === 'saml'
      ? {
          samlIdpEntityId: row.samlIdpEntityId ?? '',
          samlMetadataUrl: row.samlMetadataUrl,
          samlIdpInitiated: row.samlIdpInitiated,
          samlAllowSha1: row.samlAllowSha1,
        }
      : {
          discoveryUrl: row.discoveryUrl ?? '',
          clientId: row.clientId ?? '',
          emailClaimSource: row.emailClaimSource ?? 'id_token',
          groupsClaimSource: row.groupsClaimSource ?? 'id_token',
        };
  return {
    type: row.type,
    ...protocol,
    emailClaim: row.emailClaim,
    nameClaim: row.nameClaim,
    groupsClaim: row.groupsClaim,
    jitEnabled: row.jitEnabled,
    defaultGroupId: row.defaultGroupId,
    groupMappings,
  };
}

export async function currentSettings(ctx: MutationCtx, row: SsoConnection): Promise<Settings> {
  const mappings = await ctx.tx
    .select({ idpGroup: ssoGroupMappings.idpGroup, groupId: ssoGroupMappings.groupId })
    .from(ssoGroupMappings)
    .where(eq(ssoGroupMappings.connectionId, row.id))
    .orderBy(ssoGroupMappings.idpGroup, sql`${ssoGroupMappings.groupId}`);
  return settingsOf(row, mappings);
}

/** Removes the connection (admins; SSO_CONNECTION_DELETED). Its identities go with it. */
export async function deleteSsoConnection(ctx: MutationCtx): Promise<void> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  const existing = await findSsoConnection(orgId, ctx.tx);
  if (!existing) throw new AppError('not_found', 'This organization has no SSO connection.');
  const [org] = await ctx.tx
    .select({ settings: organizations.settings })
    .from(organizations)
    .where(eq(organizations.id, orgId))
    .for('update');
  if (org?.settings.enforceSso)
    throw new AppError('conflict', 'SSO is enforced: turn enforcement off under Settings → Authentication before deleting the connection.');
  await withJacksonTx(ctx.tx, () => deleteJacksonConnection(existing.jacksonClientId));
  await ctx.tx.delete(ssoConnections).where(eq(ssoConnections.id, existing.id));
  await record(ctx, {
    actionType: 'SSO_CONNECTION_DELETED',
    metadata:
      existing.type === 'saml'
        ? { connectionId: existing.id, type: 'saml', samlIdpEntityId: existing.samlIdpEntityId ?? '' }
        : { connectionId: existing.id, type: 'oidc', discoveryUrl: existing.discoveryUrl ?? '', clientId: existing.clientId ?? '' },
  });
}
