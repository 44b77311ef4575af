'use client';

import type { ButtonHTMLAttributes } from 'react';
import { useHydrated } from './use-hydrated';

const variants = {
  primary: 'bg-brand-600 text-white hover:bg-brand-700 disabled:bg-brand-600/60',
  secondary: 'border border-slate-300 bg-white text-slate-800 hover:bg-slate-50 disabled:text-slate-400',
  danger: 'border border-red-200 bg-white text-red-700 hover:bg-red-50 disabled:text-red-300',
} as const;

/**
 * A button whose work is an onClick stays disabled until the page is hydrated: clicked earlier,
 * it would do nothing and say nothing. (A submit button of a server-action form works before
 * hydration and is left alone; see SubmitButton for forms submitted by script.)
 */
export function Button({
  variant = 'primary',
  className = '',
  disabled,
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: keyof typeof variants }) {
  const hydrated = useHydrated();
  return (
    <button
      {...props}
      disabled={disabled || (props.onClick !== undefined && !hydrated)}
      className={`inline-flex items-center justify-center rounded-md px-3.5 py-2 text-sm font-medium shadow-sm transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 disabled:cursor-not-allowed ${variants[variant]} ${className}`}
    />
  );
}
