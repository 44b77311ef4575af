import { ObjectPage } from '../../_objects/object-page';

export default function Page({ params }: { params: Promise<{ objectId: string }> }) {
  return <ObjectPage kind="resource" params={params} />;
}
