// geoLocation for audit events, from a MaxMind-format database (GeoLite2/GeoIP2 City or Country)
// named by GEOIP_DATABASE; null when unset or when the address is not in it. Lookups are local:
// nothing is sent anywhere.
import maxmind, { type CityResponse, type Reader } from 'maxmind';

export type GeoLocation = {
  country: string | null;
  countryCode: string | null;
  region: string | null;
  city: string | null;
  latitude: number | null;
  longitude: number | null;
};

const cache = globalThis as unknown as { __gatehouseGeo?: { path: string; reader: Promise<Reader<CityResponse>> } };

/** The reader for GEOIP_DATABASE, opened once per process; null when the variable is unset. */
export function geoReader(): Promise<Reader<CityResponse>> | null {
  const path = process.env.GEOIP_DATABASE?.trim();
  if (!path) return null;
  if (cache.__gatehouseGeo?.path !== path) {
    const reader = maxmind.open<CityResponse>(path, { watchForUpdates: false }).catch((e: Error) => {
      throw new Error(`GEOIP_DATABASE (${path}) cannot be read as a MaxMind database: ${e.message}`);
    });
    cache.__gatehouseGeo = { path, reader };
  }
  return cache.__gatehouseGeo.reader;
}

export async function geoLocate(ip: string | null): Promise<GeoLocation | null> {
  const reader = geoReader();
  if (!reader || !ip || !maxmind.validate(ip)) return null;
  const hit = (await reader).get(ip);
  if (!hit) return null;
  return {
    country: hit.country?.names?.en ?? null,
    countryCode: hit.country?.iso_code ?? null,
    region: hit.subdivisions?.[0]?.names?.en ?? null,
    city: hit.city?.names?.en ?? null,
    latitude: hit.location?.latitude ?? null,
    longitude: hit.location?.longitude ?? null,
  };
}
