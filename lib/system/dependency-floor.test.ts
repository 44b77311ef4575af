// Dependency floor: the registry's audit endpoint is not reachable from CI, so this test reads the
// installed tree (`npm ls --json --all`) and fails when a security-relevant package is below a
// version known to carry the fixes. What was verified, and how:
// - @xmldom/xmldom: CVE-2026-34601 (XML structure injection via CDATA) is fixed in 0.9.9 / 0.8.12
//   (the issue and the advisory). The CHANGELOG shipped in the installed package lists further
//   security fixes up to 0.9.12 and 0.8.15 (GHSA-965w-775f-mr7g, -8344-3jmq-59r6, …), so those are
//   the floors; package.json `overrides` force them under Jackson, xml-crypto and xml-encryption.
//   Older lines (0.7.x and before) are unmaintained: any copy of them fails.
// - xml-crypto: CVE-2025-29774 / CVE-2025-29775 (signature bypass) fixed in 6.0.1 (and 3.2.1,
//   2.1.6 on older lines; we accept only 6.x).
// - next: CVE-2025-66478 (RSC remote code execution) fixed in 16.0.7, and the follow-up denial of
//   service / source exposure fixes in 16.0.10.
// - next-auth: 4.24.12 fixed the email misdelivery advisory (GHSA-5jpx-9hw9-2fx4); 4.24.15 is the
//   first to accept Next 16 as a peer (shared STYLE.md), so it is the floor.
// Not verifiable offline: advisories published after these versions. Re-check the floors when the
// registry's audit is available again.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

type Node = { version?: string; dependencies?: Record<string, Node> };

/** Minimum version per major.minor line (`*` matches any line not listed; `null`: not allowed). */
const FLOORS: Record<string, Record<string, string | null>> = {
  '@xmldom/xmldom': { '0.9': '0.9.12', '0.8': '0.8.15', '*': null },
  'xml-crypto': { '6': '6.0.1', '*': null },
  next: { '16': '16.0.10', '*': null },
  'next-auth': { '4': '4.24.15', '*': null },
};

function compare(a: string, b: string): number {
  const pa = a.split(/[.-]/).slice(0, 3).map(Number);
  const pb = b.split(/[.-]/).slice(0, 3).map(Number);
  for (let i = 0; i < 3; i++) if (pa[i]! !== pb[i]!) return pa[i]! - pb[i]!;
  return 0;
}

function floorViolation(name: string, version: string): string | null {
  const floors = FLOORS[name];
  if (!floors) return null;
  const [major, minor] = version.split('.');
  const floor = major === '0' ? floors[`0.${minor}`] : floors[major!];
  const applies = floor !== undefined ? floor : floors['*'];
  if (applies === null || applies === undefined) return `${name}@${version} is on a line with no known-fixed release`;
  return compare(version, applies) < 0 ? `${name}@${version} is below ${applies}` : null;
}

function collect(tree: Node, out: { name: string; version: string; path: string }[], path = ''): void {
  for (const [name, node] of Object.entries(tree.dependencies ?? {})) {
    if (node.version) out.push({ name, version: node.version, path: `${path}/${name}` });
    collect(node, out, `${path}/${name}`);
  }
}

describe('dependency floor', () => {
  it('compares versions by line', () => {
    expect(floorViolation('@xmldom/xmldom', '0.9.8')).toMatch(/below 0.9.12/);
    expect(floorViolation('@xmldom/xmldom', '0.9.12')).toBeNull();
    expect(floorViolation('@xmldom/xmldom', '0.8.11')).toMatch(/below 0.8.15/);
    expect(floorViolation('@xmldom/xmldom', '0.7.13')).toMatch(/no known-fixed/);
    expect(floorViolation('next', '16.0.6')).toMatch(/below/);
    expect(floorViolation('next-auth', '4.24.11')).toMatch(/below/);
    expect(floorViolation('xml-crypto', '6.0.0')).toMatch(/below/);
  });

  it('every installed copy of next, next-auth, xml-crypto and @xmldom/xmldom is at or above its floor', () => {
    const json = execFileSync('npm', ['ls', '--json', '--all'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
    const all: { name: string; version: string; path: string }[] = [];
    collect(JSON.parse(json) as Node, all);
    const watched = all.filter((d) => d.name in FLOORS);
    for (const name of Object.keys(FLOORS))
      expect(
        watched.some((d) => d.name === name),
        `${name} is installed`,
      ).toBe(true);
    const violations = watched
      .map((d) => floorViolation(d.name, d.version) && `${floorViolation(d.name, d.version)} (${d.path})`)
      .filter(Boolean);
    expect(violations).toEqual([]);
  }, 90_000);
});
