import { ObjectsPage } from '../_objects/objects-page';

export const metadata = { title: 'Workflows' };

export default function Page({ searchParams }: { searchParams: Promise<{ q?: string; after?: string }> }) {
  return <ObjectsPage kind="workflow" searchParams={searchParams} />;
}
