'use client';

import type { ComponentProps } from 'react';
import { Button } from '@/components/ui/button';
import { useHydrated } from '@/components/ui/use-hydrated';

/**
 * The submit button of a form whose submission is JavaScript (an onSubmit that calls a server
 * action or next-auth). Until the page is hydrated the button is disabled, so neither a click
 * nor Enter in a field submits the form natively: that would be a GET of the page with every
 * field, passwords included, in the URL, its history entry and every access log on the way.
 * Those forms also say `method="post"`, so even a native submission keeps fields out of the URL.
 * Also for a server-action form that sends the browser to another site (an identity provider):
 * the pages' `form-action 'self'` refuses a native submission's redirect off-site, while the
 * hydrated page follows it by script (decision 0037).
 */
export function SubmitButton({ disabled, ...props }: Omit<ComponentProps<typeof Button>, 'type'>) {
  const hydrated = useHydrated();
  return <Button {...props} type="submit" disabled={!hydrated || disabled} />;
}
