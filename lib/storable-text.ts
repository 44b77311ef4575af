// Text Postgres cannot store: a NUL character (refused by text and jsonb columns alike) and a
// UTF-16 surrogate without its pair (not Unicode; jsonb refuses it). Input carrying either is
// refused where it enters (forms, JSON bodies, SCIM) with a message naming the field, instead of
// failing the write with a 500. Searches treat them as text that matches nothing stored.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

export const UNSTORABLE_TEXT = 'contains a NUL character or a broken (unpaired surrogate) character, which cannot be stored';

export function isStorableText(s: string): boolean {
  return !UNSTORABLE.test(s);
}

/** `s` with every unstorable character replaced by U+FFFD, e.g. to name a field in an error. */
export function printable(s: string): string {
  return s.replace(UNSTORABLE_ALL, '\ufffd');
}

/**
 * The path (`name.givenName`, `emails[0].value`) of the first string or key in a parsed JSON value
 * that cannot be stored, `(the body)` for the value itself, or null when all of it can. Iterative,
 * so a deeply nested body cannot exhaust the stack.
 */
export function findUnstorableText(value: unknown): string | null {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (!isStorableText(v)) return path || '(the body)';
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`]);
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        const childPath = path ? `${path}.${printable(key)}` : printable(key);
        if (!isStorableText(key)) return childPath;
        stack.push([child, childPath]);
      }
    }
  }
  return null;
}

/** "`path` contains …, which cannot be stored." for the first such text in a parsed JSON body, or null. */
export function unstorableTextProblem(body: unknown): string | null {
  const path = findUnstorableText(body);
  return path === null ? null : `${path} ${UNSTORABLE_TEXT}.`;
}
