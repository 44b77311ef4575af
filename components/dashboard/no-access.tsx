import { Card } from '@/components/ui/card';

export function NoAccess({ title, reason }: { title: string; reason: string }) {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{title}</h1>
      <Card title="No access">
        <p className="text-sm text-slate-600" data-testid="no-access">
          {reason}
        </p>
      </Card>
    </div>
  );
}
