import type { Because } from './can';

/** One sentence saying why a decision came out as it did, for "why can this user do this?". */
export function explain(because: Because): string {
  switch (because.kind) {
    case 'admin':
      return `Member of ${because.group.name}: admins own everything.`;
    case 'grant': {
      const where =
        because.grant.scope === 'kind'
          ? `all ${because.grant.objectKind}s`
          : because.grant.scope === 'folder'
            ? 'its folder'
            : `this ${because.grant.objectKind}`;
      return `${because.group.name} has ${because.grant.level} on ${where}${because.grant.environmentId ? ' in this environment' : ''}.`;
    }
    case 'group_setting':
      return `Through the ${because.group.name} group’s ${because.setting.replace('_', ' ')} setting.`;
    case 'operator':
      return 'Operator (CLI).';
    case 'denied':
      return because.reason;
  }
}
