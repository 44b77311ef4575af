// Runs in the browser before the application's own code (Next.js). Zod compiles object parsers
// with `new Function` where it may, and probes for that on first use; the pages'
// Content-Security-Policy forbids eval, and the browser reports the probe as a violation even
// though zod catches the error (decision 0037). The browser parses without compiling.
import { z } from 'zod';

z.config({ jitless: true });
