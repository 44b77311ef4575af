// Access levels and what each allows, following Retool: Use < Edit < Own, per object kind.

export const LEVELS = ['use', 'edit', 'own'] as const;
export type Level = (typeof LEVELS)[number];

export const OBJECT_KINDS = ['app', 'resource', 'workflow'] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

const RANK: Record<Level, number> = { use: 1, edit: 2, own: 3 };

export function atLeast(level: Level | null, required: Level): boolean {
  return level !== null && RANK[level] >= RANK[required];
}

export function higher(a: Level | null, b: Level | null): Level | null {
  if (a === null) return b;
  if (b === null) return a;
  return RANK[a] >= RANK[b] ? a : b;
}

/** The level each action needs on an object of each kind. */
export const OBJECT_ACTIONS = {
  app: {
    view: 'use',
    run: 'use',
    edit: 'edit',
    release: 'edit',
    rename: 'own',
    move: 'own',
    share: 'own',
    delete: 'own',
    /** Download the app as an export document (its queries' text included). */
    export: 'own',
  },
  resource: {
    view: 'use',
    use: 'use',
    view_config: 'edit',
    create_query: 'edit',
    edit_config: 'own',
    rename: 'own',
    move: 'own',
    share: 'own',
    delete: 'own',
  },
  workflow: { view: 'use', run: 'use', edit: 'edit', rename: 'own', move: 'own', share: 'own', delete: 'own' },
} as const satisfies Record<ObjectKind, Record<string, Level>>;

export type ObjectAction<K extends ObjectKind = ObjectKind> = keyof (typeof OBJECT_ACTIONS)[K];

/** Folders: see one (use), put things in it (edit), rename, share or delete it (own). */
export const FOLDER_ACTIONS = { view: 'use', create_item: 'edit', rename: 'own', share: 'own', delete: 'own' } as const;
export type FolderAction = keyof typeof FOLDER_ACTIONS;

export const QUERY_LIBRARY_ACCESS = ['none', 'view', 'edit'] as const;
export type QueryLibraryAccess = (typeof QUERY_LIBRARY_ACCESS)[number];
