'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const items = [
  { href: '/', label: 'Home' },
  { href: '/apps', label: 'Apps' },
  { href: '/resources', label: 'Resources' },
  { href: '/query-library', label: 'Query library' },
  { href: '/workflows', label: 'Workflows' },
  { href: '/users', label: 'Users' },
  { href: '/groups', label: 'Groups' },
  { href: '/audit', label: 'Audit log' },
  { href: '/settings', label: 'Settings' },
];

/** `hidden`: sections the viewer has no access to (pages check again; this only declutters). */
export function DashboardNav({ hidden }: { hidden: string[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex flex-row flex-wrap gap-1 md:flex-col md:gap-0.5">
      {items
        .filter((item) => !hidden.includes(item.href))
        .map((item) => {
          const active = item.href === '/' ? pathname === '/' : pathname.startsWith(item.href);
          return (
            <Link
              key={item.href}
              href={item.href}
              aria-current={active ? 'page' : undefined}
              className={`rounded-md px-3 py-2 text-sm font-medium ${
                active ? 'bg-brand-50 text-brand-700' : 'text-slate-700 hover:bg-slate-100'
              }`}
            >
              {item.label}
            </Link>
          );
        })}
    </nav>
  );
}
