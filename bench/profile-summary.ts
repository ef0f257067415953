/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, or `npm run bench --
 * --profile`): where the self time went, by function and by area (our
 * src/ folders, each dependency, Node internals, GC).
 *
 *   node --import tsx bench/profile-summary.ts bench/profiles/<run>/<name>.cpuprofile [top]
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const PROFILE = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      children: z.array(z.number()).optional(),
      callFrame: z.object({
        functionName: z.string(),
        url: z.string(),
        lineNumber: z.number(),
      }),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

/** The area a script belongs to: `src/<folder>`, `<package>`, `node:internal` or `(vm)`. */
export function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1] !== undefined) return pkg[1];
  const src = /\/(src|bench|test)\/([^/]+)/.exec(url);
  if (src?.[1] !== undefined && src[2] !== undefined) {
    return src[2].includes('.') ? src[1] : `${src[1]}/${src[2]}`;
  }
  return url;
}

function main(): void {
  const [file, topArg] = process.argv.slice(2);
  if (file === undefined) {
    process.stderr.write('usage: profile-summary.ts <file.cpuprofile> [top]\n');
    process.exitCode = 2;
    return;
  }
  const top = Number(topArg ?? 25);
  const profile = PROFILE.parse(JSON.parse(readFileSync(file, 'utf8')));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  }
  const keyOf = new Map<number, string>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const where =
      url === ''
        ? ''
        : ` ${url.replace(/^.*\/(node_modules|src|bench)\//, '$1/')}:${lineNumber + 1}`;
    keyOf.set(node.id, `${functionName === '' ? '(anonymous)' : functionName}${where}`);
  }
  const selfByFunction = new Map<string, number>();
  const totalByFunction = new Map<string, number>();
  const selfByArea = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, dt: number): void => {
    map.set(key, (map.get(key) ?? 0) + dt);
  };
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    if (node === undefined || node.callFrame.functionName === '(idle)') return;
    busy += dt;
    add(selfByFunction, keyOf.get(id) ?? '?', dt);
    add(selfByArea, areaOf(node.callFrame.url, node.callFrame.functionName), dt);
    // Inclusive time: each function on the stack once, however often it recurses.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const key = keyOf.get(at) ?? '?';
      if (!seen.has(key)) {
        seen.add(key);
        add(totalByFunction, key, dt);
      }
    }
  });
  const show = (title: string, map: Map<string, number>): void => {
    process.stdout.write(
      `\n${title} (share of ${(busy / 1e6).toFixed(1)} s busy, idle excluded)\n`,
    );
    for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      process.stdout.write(`${((us / busy) * 100).toFixed(1).padStart(5)}%  ${key}\n`);
    }
  };
  show('Self time by area', selfByArea);
  show('Self time by function', selfByFunction);
  show('Total time (self + callees) by function', totalByFunction);
}

main();
