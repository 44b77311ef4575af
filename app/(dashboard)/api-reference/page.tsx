import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/fields';
import { buildOpenApi } from '@/lib/api/openapi';
import { requireSession } from '@/lib/auth/session';

export const metadata = { title: 'API reference' };

type Op = {
  operationId: string;
  summary: string;
  'x-required-scope'?: string;
  parameters?: { name: string; in: string; required: boolean; description?: string }[];
  requestBody?: unknown;
};

export default async function ApiReferencePage() {
  await requireSession();
  const doc = buildOpenApi() as { info: { description: string }; paths: Record<string, Record<string, Op>> };
  return (
    <div className="space-y-6">
      <PageHeader title="API reference" description={doc.info.description}>
        <a href="/api/v1/openapi.json" className="text-sm font-medium text-brand-600 hover:underline">
          OpenAPI 3.1 (JSON)
        </a>
      </PageHeader>
      {Object.entries(doc.paths).map(([path, methods]) => (
        <Card key={path}>
          {Object.entries(methods).map(([method, op]) => (
            <div key={method} className="border-b border-slate-100 py-3 last:border-0" id={op.operationId}>
              <p className="font-mono text-sm">
                <span className="mr-2 inline-block w-16 font-semibold text-brand-700">{method.toUpperCase()}</span>/api/v1{path}
              </p>
              <p className="mt-1 text-sm text-slate-700">{op.summary}</p>
              <p className="mt-1 text-xs text-slate-500">
                Scope: <span className="font-mono">{op['x-required-scope'] ?? 'any'}</span>
                {op.parameters?.length
                  ? ` · Parameters: ${op.parameters.map((p) => `${p.name} (${p.in}${p.required ? ', required' : ''})`).join(', ')}`
                  : ''}
                {op.requestBody ? ' · JSON body' : ''}
              </p>
            </div>
          ))}
        </Card>
      ))}
    </div>
  );
}
