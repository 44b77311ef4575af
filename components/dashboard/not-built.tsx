import { Card } from '@/components/ui/card';

/** Plain word that a section exists in the design but is not built yet. */
export function NotBuiltYet({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{title}</h1>
      <Card title="Not built yet">
        <div className="space-y-2 text-sm text-slate-600">{children}</div>
      </Card>
    </div>
  );
}
