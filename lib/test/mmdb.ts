// A minimal MaxMind DB (MMDB v2) writer for tests: IPv4 networks mapped to GeoIP2-City-shaped
// records, so the real `maxmind` reader can be tested offline against a real file.
// Format: https://maxmind.github.io/MaxMind-DB/ (search tree, 16-byte separator, data, metadata).

type Value = string | number | { [k: string]: Value } | Value[] | bigint;

function control(type: number, size: number): Buffer {
  if (size >= 29) throw new Error('test MMDB writer: values must be shorter than 29 bytes');
  return type <= 7 ? Buffer.from([(type << 5) | size]) : Buffer.from([size, type - 7]);
}

function encode(v: Value): Buffer {
  if (typeof v === 'string') {
    const b = Buffer.from(v);
    return Buffer.concat([control(2, b.length), b]);
  }
  if (typeof v === 'bigint') {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(v);
    return Buffer.concat([control(9, 8), b]);
  }
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= 0 && v < 2 ** 32) {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(v);
      return Buffer.concat([control(6, 4), b]);
    }
    const b = Buffer.alloc(8);
    b.writeDoubleBE(v);
    return Buffer.concat([control(3, 8), b]);
  }
  if (Array.isArray(v)) return Buffer.concat([control(11, v.length), ...v.map(encode)]);
  const entries = Object.entries(v);
  return Buffer.concat([control(7, entries.length), ...entries.flatMap(([k, x]) => [encode(k), encode(x)])]);
}

type Trie = { children: [Trie | null, Trie | null]; data?: number };

/** Builds an IPv4 MMDB with 24-bit records. `networks`: CIDR → record (e.g. `{ country: { iso_code: 'NL' } }`). */
export function buildMmdb(networks: Record<string, Value>): Buffer {
  const dataParts: Buffer[] = [];
  let dataSize = 0;
  const root: Trie = { children: [null, null] };
  for (const [cidr, record] of Object.entries(networks)) {
    const [ip, bits] = cidr.split('/') as [string, string];
    const n = ip.split('.').reduce((a, o) => (a << 8) + Number(o), 0) >>> 0;
    const offset = dataSize;
    const encoded = encode(record);
    dataParts.push(encoded);
    dataSize += encoded.length;
    let node = root;
    for (let i = 0; i < Number(bits); i++) {
      const bit = (n >>> (31 - i)) & 1;
      if (i === Number(bits) - 1) {
        node.children[bit] = { children: [null, null], data: offset };
      } else node = node.children[bit] ??= { children: [null, null] };
    }
  }
  // Number the inner nodes breadth-first; leaves point into the data section.
  const nodes: Trie[] = [];
  for (const queue = [root]; queue.length;) {
    const t = queue.shift()!;
    nodes.push(t);
    for (const c of t.children) if (c && c.data === undefined) queue.push(c);
  }
  const count = nodes.length;
  const index = new Map(nodes.map((t, i) => [t, i]));
  const tree = Buffer.alloc(count * 6);
  nodes.forEach((t, i) => {
    t.children.forEach((c, side) => {
      const value = !c ? count : c.data !== undefined ? count + 16 + c.data : index.get(c)!;
      tree.writeUIntBE(value, i * 6 + side * 3, 3);
    });
  });
  const metadata = encode({
    node_count: count,
    record_size: 24,
    ip_version: 4,
    database_type: 'GeoIP2-City',
    languages: ['en'],
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: BigInt(Math.floor(Date.now() / 1000)),
    description: { en: 'Gatehouse test' },
  });
  return Buffer.concat([tree, Buffer.alloc(16), ...dataParts, Buffer.from('\xab\xcd\xefMaxMind.com', 'latin1'), metadata]);
}
