// react-query key factories, so reads and invalidations name the same data.
export const auditKeys = {
  all: ['audit'] as const,
  verify: () => [...auditKeys.all, 'verify'] as const,
};

export const appKeys = {
  all: ['apps'] as const,
  /** One query's latest run, per app, definition (release, or draft revision) and environment. */
  run: (appId: string, source: string, environmentId: string, queryName: string) =>
    [...appKeys.all, appId, 'run', source, environmentId, queryName] as const,
};
