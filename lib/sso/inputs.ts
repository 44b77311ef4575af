// Inputs of the SSO settings form, shared by the action and the tests.
import { z } from 'zod';

const claimPath = (label: string, fallback: string) =>
  z
    .string()
    .optional()
    .default('')
    .pipe(z.string().trim())
    .pipe(
      z
        .string()
        .max(128, `Use at most 128 characters for the ${label} claim.`)
        .regex(
          /^$|^[A-Za-z0-9_:/-]+(\.[A-Za-z0-9_:/-]+)*$/,
          `The ${label} claim is a claim name, or a dotted path such as realm_access.roles.`,
        ),
    )
    .transform((s) => s || fallback);

/** Where an OIDC claim is read: the ID token (with userinfo), or the IdP's access token (a JWT). */
const claimSource = z
  .enum(['id_token', 'access_token', ''], { error: 'Choose the ID token or the access token.' })
  .optional()
  .transform((v) => v || 'id_token');

/** https, or http to localhost only (Jackson's OIDC client allows plain http for localhost alone). */
const discoveryUrl = z
  .string()
  .trim()
  .min(1, 'Enter the discovery URL of your identity provider.')
  .max(2048)
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'https:' || (u.protocol === 'http:' && u.hostname === 'localhost');
    } catch {
      return false;
    }
  }, 'Enter an https URL, e.g. https://idp.example.com/.well-known/openid-configuration.');

const mappingLine = /^(.+?)\s*=>\s*(.+)$/;

/** "IdP group => Gatehouse group", one per line; blank lines are ignored. */
export const groupMappingsText = z
  .string()
  .max(20_000)
  .transform((text, ctx) => {
    const out: { idpGroup: string; groupName: string }[] = [];
    text.split(/\r?\n/).forEach((raw, i) => {
      const line = raw.trim();
      if (!line) return;
      const m = mappingLine.exec(line);
      if (!m || m[1]!.length > 256) {
        ctx.addIssue({ code: 'custom', message: `Line ${i + 1}: write "IdP group value => Gatehouse group name".` });
        return;
      }
      out.push({ idpGroup: m[1]!.trim(), groupName: m[2]!.trim() });
    });
    return out;
  });

export const saveSsoConnectionInput = z.object({
  discoveryUrl,
  clientId: z.string().trim().min(1, 'Enter the client ID your identity provider gave you.').max(256),
  /** Write-only: blank on an update keeps the stored secret. */
  clientSecret: z.string().trim().max(1024).optional().default(''),
  emailClaim: claimPath('email', 'email'),
  nameClaim: claimPath('name', 'name'),
  groupsClaim: claimPath('groups', 'groups'),
  emailClaimSource: claimSource,
  groupsClaimSource: claimSource,
  jitEnabled: z
    .union([z.literal('on'), z.literal('true'), z.literal('false'), z.literal(''), z.boolean()])
    .optional()
    .transform((v) => v === true || v === 'on' || v === 'true'),
  defaultGroupId: z
    .union([z.uuid(), z.literal('')])
    .optional()
    .transform((v) => v || null),
  groupMappings: z.string().optional().default('').pipe(groupMappingsText),
});
export type SaveSsoConnectionInput = z.input<typeof saveSsoConnectionInput>;

/** The largest IdP metadata document accepted (pasted or fetched). */
export const SAML_METADATA_MAX = 256 * 1024;

/** https only (Jackson fetches it; it refuses private addresses), or http to localhost. */
const metadataUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((s) => {
    if (!s) return true;
    try {
      const u = new URL(s);
      return u.protocol === 'https:' || (u.protocol === 'http:' && u.hostname === 'localhost');
    } catch {
      return false;
    }
  }, 'Enter an https URL of your identity provider’s SAML metadata.');

const checkbox = z
  .union([z.literal('on'), z.literal('true'), z.literal('false'), z.literal(''), z.boolean()])
  .optional()
  .transform((v) => v === true || v === 'on' || v === 'true');

/**
 * A SAML connection: the IdP's metadata, pasted or by URL (blank on an update keeps the stored
 * metadata), attribute names for email, name and groups, and the same JIT and mapping settings.
 */
export const saveSamlConnectionInput = z
  .object({
    metadataXml: z.string().trim().max(SAML_METADATA_MAX, 'The metadata is larger than 256 KB.').optional().default(''),
    metadataUrl: metadataUrl.optional().default(''),
    emailClaim: claimPath('email', 'email'),
    nameClaim: claimPath('name', 'name'),
    groupsClaim: claimPath('groups', 'groups'),
    idpInitiated: checkbox,
    allowSha1: checkbox,
    jitEnabled: checkbox,
    defaultGroupId: z
      .union([z.uuid(), z.literal('')])
      .optional()
      .transform((v) => v || null),
    groupMappings: z.string().optional().default('').pipe(groupMappingsText),
  })
  .refine((v) => !(v.metadataXml && v.metadataUrl), { message: 'Paste the metadata or give its URL, not both.', path: ['metadataUrl'] })
  .refine((v) => !v.metadataXml || v.metadataXml.startsWith('<'), {
    message: 'Paste the metadata XML document your identity provider gave you.',
    path: ['metadataXml'],
  });
export type SaveSamlConnectionInput = z.input<typeof saveSamlConnectionInput>;
