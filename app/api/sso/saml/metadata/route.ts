// GET /api/sso/saml/metadata — our SAML SP metadata (entity id, ACS URL, signing certificate),
// for the identity provider's administrator. Public: it holds nothing secret.
import { defineRoute } from '@/lib/server/route';
import { samlSpMetadataXml } from '@/lib/sso/saml';

export const dynamic = 'force-dynamic';

export const GET = defineRoute({ auth: 'none' }, async () => {
  return new Response(await samlSpMetadataXml(), {
    headers: {
      'content-type': 'application/samlmetadata+xml; charset=utf-8',
      'content-disposition': 'attachment; filename="gatehouse-sp-metadata.xml"',
    },
  });
});
