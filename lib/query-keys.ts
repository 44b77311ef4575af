// react-query key factories, so reads and invalidations name the same data.
export const auditKeys = {
  all: ['audit'] as const,
  verify: () => [...auditKeys.all, 'verify'] as const,
};
