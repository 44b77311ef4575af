// Small zod helpers for values that arrive as FormData strings.
import { z } from 'zod';

/** A checkbox: "on"/"true" → true, absent or anything else → false. */
export const checkbox = z.preprocess((v) => v === true || v === 'on' || v === 'true', z.boolean());

/** An optional id from a <select>: "" → null. */
export const optionalId = z.preprocess((v) => (v === '' || v === undefined ? null : v), z.uuid('Choose one from the list.').nullable());
