/** The two groups every organization has. "All Users" membership is implicit. */
export const BUILTIN_GROUPS = [
  { builtin: 'admin', name: 'Admin' },
  { builtin: 'all_users', name: 'All Users' },
] as const;
