import { Select } from '@/components/ui/fields';

/**
 * Just-in-time provisioning and the default group for new users: the same two fields in the SSO
 * connection forms and the Google sign-in form (`jitEnabled`, `defaultGroupId`). Label, control,
 * label, control — laid out by the form's grid or stack.
 */
export function ProvisioningFields({
  idPrefix,
  jitLabel,
  jitEnabled,
  defaultGroupId,
  groups,
  labelClassName,
}: {
  idPrefix: string;
  jitLabel: string;
  jitEnabled: boolean;
  defaultGroupId: string | null;
  groups: { id: string; name: string }[];
  labelClassName: string;
}) {
  return (
    <>
      <label htmlFor={`${idPrefix}-jit`} className={labelClassName}>
        {jitLabel}
      </label>
      <span className="block">
        <input id={`${idPrefix}-jit`} type="checkbox" name="jitEnabled" defaultChecked={jitEnabled} /> Create an account for people your
        provider signs in who have none yet. Off: they are refused until invited.
      </span>
      <label htmlFor={`${idPrefix}-default-group`} className={labelClassName}>
        Default group for new users
      </label>
      <Select id={`${idPrefix}-default-group`} name="defaultGroupId" defaultValue={defaultGroupId ?? ''}>
        <option value="">None (All Users only)</option>
        {groups.map((g) => (
          <option key={g.id} value={g.id}>
            {g.name}
          </option>
        ))}
      </Select>
    </>
  );
}
