'use client';

import { ActionForm } from '@/components/form/action-form';
import { ProvisioningFields } from '@/components/settings/provisioning-fields';
import { Input, Select } from '@/components/ui/fields';
import type { ClaimSource, SsoConnectionView } from '@/lib/sso/connections';
import { saveSamlConnectionAction, saveSsoConnectionAction } from './actions';

const label = 'text-sm font-medium text-slate-700';

/** The OIDC connection form; the client secret is write-only (blank keeps the stored one). */
export function SsoConnectionForm({
  connection: current,
  groups,
}: {
  connection: SsoConnectionView | null;
  groups: { id: string; name: string }[];
}) {
  const connection = current?.type === 'oidc' ? current : null;
  return (
    <ActionForm
      action={saveSsoConnectionAction}
      submitLabel={connection ? 'Save connection' : 'Add connection'}
      className="grid max-w-3xl grid-cols-[12rem_1fr] items-start gap-3 text-sm"
      success={() => <span className="text-green-700">Saved.</span>}
    >
      <label htmlFor="sso-discovery" className={label}>
        Discovery URL
      </label>
      <Input
        id="sso-discovery"
        name="discoveryUrl"
        required
        defaultValue={connection?.discoveryUrl}
        placeholder="https://idp.example.com/.well-known/openid-configuration"
      />
      <label htmlFor="sso-client-id" className={label}>
        Client ID
      </label>
      <Input id="sso-client-id" name="clientId" required defaultValue={connection?.clientId} autoComplete="off" />
      <label htmlFor="sso-client-secret" className={label}>
        Client secret
      </label>
      <Input
        id="sso-client-secret"
        name="clientSecret"
        type="password"
        autoComplete="new-password"
        placeholder={connection ? 'Stored — leave blank to keep it' : ''}
      />
      <SharedFields prefix="sso" connection={connection} groups={groups} kind="claim" />
      <span />
    </ActionForm>
  );
}

/**
 * The SAML connection form: the IdP's metadata pasted or by URL (blank on an update keeps the
 * stored metadata), attribute names, IdP-initiated sign-in and SHA-1 signatures (each off unless
 * turned on; SHA-1 warned about while on).
 */
export function SamlConnectionForm({
  connection: current,
  groups,
}: {
  connection: SsoConnectionView | null;
  groups: { id: string; name: string }[];
}) {
  const connection = current?.type === 'saml' ? current : null;
  return (
    <ActionForm
      action={saveSamlConnectionAction}
      submitLabel={connection ? 'Save SAML connection' : 'Add SAML connection'}
      className="grid max-w-3xl grid-cols-[12rem_1fr] items-start gap-3 text-sm"
      success={() => <span className="text-green-700">Saved.</span>}
    >
      {connection ? (
        <>
          <span className={label}>IdP entity id</span>
          <span className="font-mono break-all" data-testid="saml-idp-entity-id">
            {connection.samlIdpEntityId}
          </span>
        </>
      ) : null}
      <label htmlFor="saml-metadata" className={label}>
        IdP metadata XML
      </label>
      <span>
        <textarea
          id="saml-metadata"
          name="metadataXml"
          rows={5}
          className="w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-xs"
          placeholder={connection ? 'Stored — leave blank to keep it, or paste new metadata' : '<EntityDescriptor …>'}
        />
      </span>
      <label htmlFor="saml-metadata-url" className={label}>
        or IdP metadata URL
      </label>
      <Input
        id="saml-metadata-url"
        name="metadataUrl"
        defaultValue={connection?.samlMetadataUrl ?? ''}
        placeholder="https://idp.example.com/app/metadata"
      />
      <SharedFields prefix="saml" connection={connection} groups={groups} kind="attribute" />
      <label htmlFor="saml-idp-initiated" className={label}>
        IdP-initiated sign-in
      </label>
      <span>
        <input id="saml-idp-initiated" type="checkbox" name="idpInitiated" defaultChecked={connection?.samlIdpInitiated ?? false} /> Accept
        sign-ins started from the identity provider’s dashboard (unsolicited responses). Off: people start from your sign-in page, and every
        response must answer a request from their browser.
      </span>
      <label htmlFor="saml-allow-sha1" className={label}>
        SHA-1 signatures
      </label>
      <span>
        <input id="saml-allow-sha1" type="checkbox" name="allowSha1" defaultChecked={connection?.samlAllowSha1 ?? false} /> Accept responses
        signed with RSA-SHA1 or SHA-1 digests. Off: they are refused. Turn on only for an identity provider that cannot sign with SHA-256.
        {connection?.samlAllowSha1 ? (
          <span className="mt-1 block font-medium text-amber-700" data-testid="saml-sha1-warning">
            Warning: this connection accepts SHA-1 signatures. SHA-1 is broken (collisions can be forged), so a signed response proves less.
            Switch the identity provider to SHA-256 and turn this off.
          </span>
        ) : null}
      </span>
      <span />
    </ActionForm>
  );
}

/** Email, name and groups claims (OIDC) or attributes (SAML), JIT, default group, group mapping. */
function SharedFields({
  prefix,
  connection,
  groups,
  kind,
}: {
  prefix: string;
  connection: SsoConnectionView | null;
  groups: { id: string; name: string }[];
  kind: 'claim' | 'attribute';
}) {
  const id = (s: string) => `${prefix}-${s}`;
  return (
    <>
      <label htmlFor={id('email-claim')} className={label}>
        Email {kind}
      </label>
      <ClaimField
        id={id('email-claim')}
        name="emailClaim"
        value={connection?.emailClaim ?? 'email'}
        source={kind === 'claim' ? (connection?.emailClaimSource ?? 'id_token') : null}
      />
      <label htmlFor={id('name-claim')} className={label}>
        Name {kind}
      </label>
      <Input id={id('name-claim')} name="nameClaim" defaultValue={connection?.nameClaim ?? 'name'} />
      <label htmlFor={id('groups-claim')} className={label}>
        Groups {kind}
      </label>
      <ClaimField
        id={id('groups-claim')}
        name="groupsClaim"
        value={connection?.groupsClaim ?? 'groups'}
        source={kind === 'claim' ? (connection?.groupsClaimSource ?? 'id_token') : null}
      />
      <ProvisioningFields
        idPrefix={prefix}
        jitLabel="Just-in-time provisioning"
        jitEnabled={connection?.jitEnabled ?? false}
        defaultGroupId={connection?.defaultGroupId ?? null}
        groups={groups}
        labelClassName={label}
      />
      <label htmlFor={id('mappings')} className={label}>
        Group mapping
      </label>
      <span>
        <textarea
          id={id('mappings')}
          name="groupMappings"
          rows={4}
          className="w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-sm"
          defaultValue={connection?.groupMappings.map((m) => `${m.idpGroup} => ${m.groupName}`).join('\n')}
          placeholder="engineering => Engineers"
        />
        <span className="text-xs text-slate-500">
          One per line: a value of the groups {kind} =&gt; a Gatehouse group. Applied at every SSO sign-in: mapped groups are added or
          removed to match.
        </span>
      </span>
    </>
  );
}

/** A claim path (a name, or dotted: realm_access.roles) and, for OIDC, which token it is read from. */
function ClaimField({
  id,
  name,
  value,
  source,
}: {
  id: string;
  name: 'emailClaim' | 'groupsClaim';
  value: string;
  source: ClaimSource | null;
}) {
  if (!source) return <Input id={id} name={name} defaultValue={value} />;
  return (
    <span className="flex gap-2">
      <Input id={id} name={name} defaultValue={value} />
      <Select
        aria-label={`Read ${name === 'emailClaim' ? 'email' : 'groups'} from`}
        name={`${name}Source`}
        defaultValue={source}
        className="w-auto"
      >
        <option value="id_token">from the ID token</option>
        <option value="access_token">from the access token (JWT, verified)</option>
      </Select>
    </span>
  );
}
